"""B1 — read + contract + quality (personal data included) + diff of a 5-million-row
vaccination CSV, against `pyarrow.csv.read_csv` of the same file: time, and peak memory over
the size of the Arrow table.

The subject is what a publication does before it talks to a portal: `read_table`, `analyse`
(personal-data scan, coerce, validate, the 17 criteria, review codes), then the row hashes
and the change set against the previous publication. The analysis never builds the text
columns of the typed frame (it works on their distinct values); building the whole DataFrame,
which publishing and Great Expectations ask for, is timed after the clock stops and reported
as an extra figure, with the peak memory it adds. The previous version is the same file
with 1 % of its rows edited; its hashes and keys are loaded from Parquet, as the publication
state keeps them, before the clock starts.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from bench import measure
from bench.common import NOW, WORK, Figure, Result, Sizes, catalog_entry, es, own_peak_rss
from bench.data import DATA, VERSION

TARGET = 3.0
CHANGED_SHARE = 0.01


# --- children ---------------------------------------------------------------------------------


def baseline(path: str) -> dict:
    import pyarrow.csv

    started = time.perf_counter()
    table = pyarrow.csv.read_csv(path)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "table_bytes": table.nbytes, "rows": table.num_rows}


def _load_previous(path: str):
    import numpy as np
    import pyarrow.parquet as pq

    from datos_cali.portals.diff import Snapshot

    table = pq.read_table(path)
    hashes = table.column("hash").to_numpy().astype(np.uint64)
    return Snapshot(hashes, table.column("key"))


def subject(path: str, previous: str) -> dict:
    from datos_cali.portals.diff import Snapshot, changes
    from datos_cali.quality import analyse
    from datos_cali.reading import read_table

    dataset, contract, organismo, spec = catalog_entry()
    started = time.perf_counter()
    prior = _load_previous(previous)
    loaded = time.perf_counter()
    raw = read_table(Path(path))
    read = time.perf_counter()
    analysis = analyse(raw, dataset, contract, now=NOW, organismo=organismo)
    analysed = time.perf_counter()
    change = changes(Snapshot.of(analysis.typed.columns, spec), prior)
    done = time.perf_counter()
    peak = own_peak_rss()
    frame = analysis.typed.frame  # what publishing and Great Expectations ask for, afterwards
    built = time.perf_counter()
    return {
        "seconds": done - loaded,
        "stages": {
            "estado_anterior": loaded - started,
            "lectura": read - loaded,
            "analisis": analysed - read,
            "diferencias": done - analysed,
        },
        "rows": raw.num_rows,
        "publishable": analysis.publishable,
        "findings": sorted({f.code for f in analysis.findings}),
        "changed": change.changed,
        "new": change.new,
        "deleted": len(change.delete_keys),
        "peak_self": peak,
        "frame_seconds": built - done,
        "frame_columns": len(frame.columns),
        "peak_with_frame": own_peak_rss(),
    }


def previous(rows: str, out: str) -> dict:
    """The previous publication's hashes and keys, from the same data with 1 % edited."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bench.data import vaccination_table, with_changes, write_csv
    from datos_cali.contracts.coerce import coerce
    from datos_cali.portals.diff import Snapshot
    from datos_cali.reading import read_table

    dataset, contract, _, spec = catalog_entry()
    WORK.mkdir(parents=True, exist_ok=True)
    csv = write_csv(
        with_changes(vaccination_table(int(rows)), CHANGED_SHARE), WORK / "b1-previo.csv"
    )
    try:
        typed = coerce(read_table(csv), contract, decimal=dataset.reading.decimal)
        snapshot = Snapshot.of(typed.frame, spec)
    finally:
        csv.unlink(missing_ok=True)
    table = pa.table({"hash": pa.array(snapshot.hashes, pa.uint64()), "key": snapshot.key_array})
    pq.write_table(table, out)
    return {"rows": len(snapshot.hashes)}


def data(rows: str) -> dict:
    from bench.data import vaccination_csv

    return {"path": str(vaccination_csv(int(rows)))}


# --- the benchmark ----------------------------------------------------------------------------


def run(sizes: Sizes, log) -> Result:
    rows = sizes.b1_rows
    log(f"B1: datos de {es(rows)} filas…")
    path = measure.child("b1-data", str(rows))["path"]
    from datos_cali.hashing import HASH_VERSION

    version = hashlib.sha256(HASH_VERSION.encode()).hexdigest()[:8]
    prior = DATA / f"vacunacion-{rows}-v{VERSION}.previo-{version}.parquet"
    if not prior.exists():
        measure.child("b1-previous", str(rows), str(prior))
    base_runs, runs = measure.interleaved(
        sizes.repeats,
        lambda: measure.child("b1-baseline", path),
        lambda: measure.child("b1-subject", path, str(prior)),
        progress=lambda text: log(f"B1: {text}"),
    )
    base = measure.median([r["seconds"] for r in base_runs])
    ours = measure.median([r["seconds"] for r in runs])
    table_bytes = base_runs[0]["table_bytes"]
    peak = measure.median([r["peak_self"] for r in runs])
    stages = {
        name: round(measure.median([r["stages"][name] for r in runs]), 3)
        for name in runs[0]["stages"]
    }
    last = runs[-1]
    time_ratio, memory_ratio = ours / base, peak / table_bytes
    frame_seconds = measure.median([r["frame_seconds"] for r in runs])
    frame_peak = measure.median([r["peak_rss"] for r in runs])
    return Result(
        id="B1",
        title=f"Leer, validar, calificar y comparar {es(rows)} filas (vacunación)",
        figures=[
            Figure(
                name="tiempo / lectura con pyarrow",
                value=round(time_ratio, 2),
                unit="×",
                target=f"≤ {es(TARGET, 1)}",
                met=time_ratio <= TARGET,
                baseline=f"pyarrow.csv.read_csv: {es(base, 2)} s",
                detail={
                    "segundos": round(ours, 2),
                    "segundos_base": round(base, 2),
                    "etapas": stages,
                    "corridas": [round(r["seconds"], 2) for r in runs],
                    "corridas_base": [round(r["seconds"], 2) for r in base_runs],
                },
            ),
            Figure(
                name="memoria máxima / tabla Arrow",
                value=round(memory_ratio, 2),
                unit="×",
                target=f"≤ {es(TARGET, 1)}",
                met=memory_ratio <= TARGET,
                baseline=f"tabla de read_csv: {es(table_bytes / 1e6)} MB",
                detail={
                    "pico_mb": round(peak / 1e6),
                    "pico_con_marco_mb": round(frame_peak / 1e6),
                    "pico_base_mb": round(measure.median([r["peak_rss"] for r in base_runs]) / 1e6),
                    "tabla_mb": round(table_bytes / 1e6),
                },
            ),
            Figure(
                name="construir después el marco tipado completo / lectura con pyarrow",
                value=round(frame_seconds / base, 2),
                unit="×",
                target="informativo",
                met=None,
                baseline=f"pyarrow.csv.read_csv: {es(base, 2)} s",
                detail={
                    "segundos": round(frame_seconds, 2),
                    "pico_con_marco_mb": round(frame_peak / 1e6),
                    "pico_con_marco_sobre_tabla": round(frame_peak / table_bytes, 2),
                },
            ),
        ],
        notes=[
            f"{es(last['rows'])} filas; publicable: {'sí' if last['publishable'] else 'no'}; "
            f"hallazgos: {', '.join(last['findings']) or 'ninguno'}; diferencias con la "
            f"versión anterior: {es(last['changed'])} filas cambiadas, {es(last['new'])} nuevas, "
            f"{es(last['deleted'])} borradas.",
        ],
    )
