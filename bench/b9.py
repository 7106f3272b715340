"""B9 — the ventanilla receives and pre-checks a 5-million-row upload: the server's peak memory.

The file (vaccination-like, ~480 MB, bench/data.py) is streamed to the server as a chunked
multipart body; the figure is the server process's peak resident memory (VmHWM) after the
verdict page was served. Baseline, side by side: the same pre-check (`precheck`, the function
behind `datos-cali validate`) in a fresh process of its own, its peak RSS.
"""

from __future__ import annotations

from pathlib import Path

from bench import measure
from bench.common import SLUG, WORK, Figure, Result, Sizes, catalog_entry, es
from bench.ventanilla import Server, fresh, upload_seconds

TARGET_BYTES = 1_000_000_000  # 1 GB


def precheck_alone(path: str) -> dict:
    """Child: the pre-check of the file, nothing else (its peak is read by the parent)."""
    from datos_cali.precheck import precheck

    dataset, contract, organismo, _ = catalog_entry()
    result = precheck(Path(path), dataset, contract, organismo=organismo)
    return {"rows": result.rows, "publishable": result.publishable}


def run(sizes: Sizes, log) -> Result:
    rows = sizes.b7_rows
    log(f"B9: datos de {es(rows)} filas…")
    path = Path(measure.child("b1-data", str(rows))["path"])
    folder = WORK / "b7"
    fresh(folder)
    log("B9: la pre-revisión sola, en su propio proceso…")
    alone = measure.child("b9-precheck", str(path))
    log("B9: subida a la ventanilla…")
    with Server(folder / "estado") as server:
        idle = server.peak_rss()
        clerk = server.clerk("b7@salud.gov.co")
        number, wall = clerk.upload(path, SLUG)
        peak = server.peak_rss()
        seconds = upload_seconds(server.timings(number), number)
    return Result(
        id="B9",
        title=f"Subir y revisar en la ventanilla {es(rows)} filas ({es(path.stat().st_size / 1e6)} MB)",
        figures=[
            Figure(
                name="memoria máxima del servidor (MB)",
                value=round(peak / 1e6),
                unit=" MB",
                target=f"≤ {es(TARGET_BYTES / 1e6)} MB",
                met=peak <= TARGET_BYTES,
                baseline=f"la misma pre-revisión en un proceso propio: {es(alone['peak_rss'] / 1e6)} MB",
                detail={
                    "servidor_en_reposo_mb": round(idle / 1e6),
                    "segundos_servidor": round(seconds, 2),
                    "segundos_cliente": round(wall, 2),
                    "segundos_base": round(alone["wall"], 2),
                    "filas": alone["rows"],
                },
            )
        ],
        notes=[
            f"El servidor tardó {es(seconds, 1)} s en recibir, archivar y revisar el archivo "
            f"(la pre-revisión sola, proceso completo: {es(alone['wall'], 1)} s); en reposo "
            f"ocupa {es(idle / 1e6)} MB."
        ],
    )
