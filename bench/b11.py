"""B11 — publish a 1-million-row vacunación-shaped dataset to a real CKAN DataStore, against
plain `ckanapi` `datastore_upsert` calls with the same chunking, in the same run.

A real CKAN 2.12.0 (PyPI, its own virtualenv, PostgreSQL + DataStore, Redis, the Solr stand-in:
tests/fixtures/ckan.py) runs on loopback. Both sides start from the same typed table and send
the same rows to a new package's new DataStore table (primary key `id_registro`):

- **subject**: `datos_cali.portals.engine.publish` through the CKAN adapter — create the
  package and its table, build the canonical rows chunk by chunk (10,000 rows), upsert each
  (with the adapter's retries, the totals it reads around each write), make it public, verify
  (count and a 100-row sample read back);
- **baseline**: the bare client — `package_create`, `datastore_create` with the same fields and
  key, then `datastore_upsert` (method upsert) of the same rows in the same 10,000-row chunks,
  built from the Arrow table with `to_pylist()`; no verification, no retries.

Figure: rows per second of the subject over the baseline's (goal ≥ 0.8). Runs alternate
(baseline, subject, …) so load on the shared machine hits both alike. Each run gets its own
package name, so neither finds the other's rows.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from bench import measure
from bench.common import NOW, WORK, Figure, Result, Sizes, catalog_entry, es

TARGET = 0.8
VERSION = "2.12.0"


def _typed(rows: int, folder: Path):
    from bench.data import vaccination_table, write_csv
    from datos_cali.precheck import precheck

    dataset, contract, organismo, _ = catalog_entry()
    table = vaccination_table(rows)
    path = write_csv(table, folder / "vacunacion.csv")
    result = precheck(path, dataset, contract, organismo=organismo, now=NOW)
    if not result.publishable:
        raise RuntimeError(f"no es publicable: {[f.code for f in result.errors]}")
    return result.typed


def _subject(server, typed, spec, coordinates, name: str, folder: Path) -> dict:
    import dataclasses

    from pydantic import SecretStr

    from datos_cali.portals.ckan import CkanPortal
    from datos_cali.portals.credentials import CkanCredentials
    from datos_cali.portals.engine import publish
    from datos_cali.portals.state import PublicationState

    spec = dataclasses.replace(spec, slug=name)
    portal = CkanPortal(CkanCredentials(url=server.url, api_token=SecretStr(server.token)))
    state = PublicationState(folder / name, portal.key)
    started = time.perf_counter()
    try:
        outcome = publish(typed.columns, spec, portal, state, coordinates=coordinates)
    finally:
        portal.close()
    return {
        "seconds": time.perf_counter() - started,
        "rows": outcome.rows,
        "created": outcome.created,
        "requests": portal.traffic.requests,
        "timings": outcome.timings,
    }


def _baseline(server, typed, spec, coordinates, name: str) -> dict:
    import numpy as np
    from ckanapi import RemoteCKAN

    from datos_cali.portals.ckan import _fields
    from datos_cali.portals.engine import CHUNK_ROWS, rows_of
    from datos_cali.portals.records import canonical_rows

    client = RemoteCKAN(server.url, apikey=server.token)
    started = time.perf_counter()
    requests = 0
    client.action.package_create(name=name, owner_org=spec.organismo, title=spec.name)
    answer = client.action.datastore_create(
        resource={"package_id": name, "name": spec.name},
        fields=_fields(spec),
        primary_key=[spec.row_identifier],
    )
    requests += 2
    frame, total = typed.columns, len(typed.columns)
    for start in range(0, total, CHUNK_ROWS):
        block = rows_of(frame, np.arange(start, min(start + CHUNK_ROWS, total)))
        records = canonical_rows(block, spec, coordinates)  # no points: the wire rows as they are
        client.action.datastore_upsert(
            resource_id=answer["resource_id"], records=records, method="upsert"
        )
        requests += 1
    seconds = time.perf_counter() - started
    found = client.action.datastore_search(resource_id=answer["resource_id"], limit=0)
    client.close()
    return {"seconds": seconds, "rows": found["total"], "requests": requests}


def measure_both(rows: str, repeats: str, folder: str) -> dict:
    """In a child process: CKAN up, then baseline and subject alternately; CKAN down."""
    from tests.fixtures import ckan, postgres
    from tests.fixtures.solr_standin import SolrStandIn

    work = Path(folder)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    dataset, _, _, spec = catalog_entry()
    typed = _typed(int(rows), work)
    cluster = postgres.start_cluster()
    redis_dir = Path(tempfile.mkdtemp(prefix="datos-cali-redis-"))
    redis = ckan.Redis.start(redis_dir)
    solr = SolrStandIn(".".join(VERSION.split(".")[:2])).start()
    server = None
    try:
        began = time.perf_counter()
        server = ckan.start(VERSION, cluster, redis, solr.url, 1)
        startup = time.perf_counter() - began
        from ckanapi import RemoteCKAN

        with RemoteCKAN(server.url, apikey=server.token) as client:
            client.action.organization_create(name=spec.organismo, title=spec.organismo_name)
        runs = [
            lambda n=n: _baseline(server, typed, spec, dataset.coordinates, f"base-{n}")
            for n in range(int(repeats))
        ]
        subjects = [
            lambda n=n: _subject(server, typed, spec, dataset.coordinates, f"sujeto-{n}", work)
            for n in range(int(repeats))
        ]
        base, ours = [], []
        for n in range(int(repeats)):
            base.append(runs[n]())
            ours.append(subjects[n]())
    finally:
        if server is not None:
            server.stop()
        solr.stop()
        redis.stop()
        postgres.stop_cluster(cluster)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(redis_dir, ignore_errors=True)
    return {
        "rows": len(typed.columns),
        "base": base,
        "ours": ours,
        "ckan_start_s": startup,
        "ckan_timings": server.timings,
    }


def run(sizes: Sizes, log) -> Result:
    rows = sizes.b11_rows
    repeats = max(1, min(sizes.repeats, 2))
    log(f"B11: {es(rows)} filas a un CKAN {VERSION} real (DataStore), {repeats} vez/veces…")
    found = measure.child("b11", str(rows), str(repeats), str(WORK / "b11"), timeout=7200)
    base = measure.median([r["seconds"] for r in found["base"]])
    ours = measure.median([r["seconds"] for r in found["ours"]])
    ratio = base / ours  # rows/s of ours over rows/s of the bare client
    count = found["rows"]
    return Result(
        id="B11",
        title=f"Publicar {es(count)} filas en un CKAN {VERSION} real (DataStore)",
        figures=[
            Figure(
                name="filas/s del adaptador / filas/s de ckanapi solo",
                value=round(ratio, 2),
                unit="×",
                target=f"≥ {es(TARGET, 1)}",
                met=ratio >= TARGET,
                baseline=f"ckanapi datastore_upsert en trozos de 10 000: {es(base, 1)} s "
                f"({es(count / base)} filas/s)",
                detail={
                    "segundos": round(ours, 2),
                    "segundos_base": round(base, 2),
                    "filas_por_segundo": round(count / ours),
                    "filas_por_segundo_base": round(count / base),
                    "corridas": [r["seconds"] for r in found["ours"]],
                    "corridas_base": [r["seconds"] for r in found["base"]],
                    "solicitudes": found["ours"][0]["requests"],
                    "solicitudes_base": found["base"][0]["requests"],
                    "etapas": found["ours"][0]["timings"],
                    "arranque_ckan_s": round(found["ckan_start_s"], 1),
                },
            )
        ],
        notes=[
            f"El adaptador crea el paquete y la tabla, envía los mismos trozos (con reintentos y "
            f"el total leído antes y después de cada uno), publica y verifica; la base solo "
            f"crea y envía. Ambas tablas quedaron con {es(found['base'][0]['rows'])} y "
            f"{es(found['ours'][0]['rows'])} filas.",
        ],
    )
