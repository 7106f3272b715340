"""B3 — republish a 1-million-row dataset (with row identifier) after 1 % of its rows
changed, to the local portal: bytes sent over the bytes of a full replace, and requests.

Everything goes over real HTTP through the Socrata adapter (sodapy) to the embedded local
portal. Bytes are request bodies, counted by the adapter (`Portal.traffic`) and cross-checked
with the portal's own request log. The full replace is measured too, not estimated: the same
new version sent through `Portal.replace` (working copy → replace → publish), as a dataset
without row identifier — or DataSync's replace mode — would send it.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from bench import measure
from bench.common import NOW, WORK, Figure, Result, Sizes, catalog_entry, es

TARGET = 0.02
CHANGED_SHARE = 0.01


def _frame(table, folder: Path, name: str):
    """The typed frame a run publishes: the CSV read and checked by the pre-check."""
    from bench.data import write_csv
    from datos_cali.precheck import precheck

    dataset, contract, organismo, _ = catalog_entry()
    path = write_csv(table, folder / name)
    result = precheck(path, dataset, contract, organismo=organismo, now=NOW)
    if not result.publishable:
        raise RuntimeError(f"{name} no es publicable: {[f.code for f in result.errors]}")
    return result.typed.columns  # rows are built only for what is sent


def _batches(frame, spec, coordinates):
    import numpy as np

    from datos_cali.portals.engine import CHUNK_BYTES, CHUNK_ROWS, rows_of
    from datos_cali.portals.records import canonical_rows, chunks, payload_size

    for start in range(0, len(frame), CHUNK_ROWS):
        block = rows_of(frame, np.arange(start, min(start + CHUNK_ROWS, len(frame))))
        rows = canonical_rows(block, spec, coordinates)
        yield from chunks(rows, max_rows=CHUNK_ROWS, max_bytes=CHUNK_BYTES, size_of=payload_size)


class _Meter:
    """Traffic between two moments, from the adapter and from the portal's request log."""

    def __init__(self, portal, local):
        self.portal, self.local = portal, local
        self.requests = portal.traffic.requests
        self.bytes = portal.traffic.bytes_sent
        log = local.request_log()
        self.last_id = log[-1].id if log else 0
        self.started = time.perf_counter()

    def read(self) -> dict:
        entries = self.local.request_log(self.last_id)
        return {
            "requests": self.portal.traffic.requests - self.requests,
            "bytes": self.portal.traffic.bytes_sent - self.bytes,
            "log_requests": len(entries),
            "log_bytes": sum(e.body_bytes for e in entries),
            "writes": sum(e.method in ("POST", "PUT", "DELETE") for e in entries),
            "seconds": round(time.perf_counter() - self.started, 2),
        }


def measure_republish(rows: str, folder: str) -> dict:
    from bench.data import vaccination_table, with_changes
    from datos_cali.catalog.models import PortalName
    from datos_cali.portals.engine import publish
    from datos_cali.portals.session import PortalSession
    from datos_cali.portals.state import PublicationState

    work = Path(folder)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    dataset, _, _, spec = catalog_entry()
    first = vaccination_table(int(rows))
    before = _frame(first, work, "v1.csv")
    after = _frame(with_changes(first, CHANGED_SHARE), work, "v2.csv")
    del first
    with PortalSession(work / "estado") as session:
        portal = session.portal(PortalName.DATOS_GOV_CO)
        state = PublicationState(work / "estado", portal.key)
        meter = _Meter(portal, session.local)
        loaded = publish(before, spec, portal, state, coordinates=dataset.coordinates)
        initial = meter.read()
        meter = _Meter(portal, session.local)
        again = publish(after, spec, portal, state, coordinates=dataset.coordinates)
        republish = meter.read()
        meter = _Meter(portal, session.local)
        portal.replace(
            loaded.asset_id, spec, _batches(after, spec, dataset.coordinates), published=True
        )
        replace = meter.read()
        count = portal.count(loaded.asset_id)
    shutil.rmtree(work, ignore_errors=True)
    return {
        "rows": len(after),
        "initial": initial,
        "republish": republish,
        "replace": replace,
        "created": loaded.created,
        "updated": again.updated,
        "rows_sent": again.rows_sent,
        "count_after": count,
    }


def run(sizes: Sizes, log) -> Result:
    rows = sizes.b3_rows
    log(f"B3: publicar {es(rows)} filas, cambiar 1 % y volver a publicar…")
    found = measure.child("b3", str(rows), str(WORK / "b3"))
    republish, replace = found["republish"], found["replace"]
    ratio = republish["bytes"] / replace["bytes"]
    return Result(
        id="B3",
        title=f"Volver a publicar {es(rows)} filas con 1 % cambiado",
        figures=[
            Figure(
                name="bytes enviados / bytes de un reemplazo completo",
                value=round(ratio, 4),
                unit="",
                target=f"≤ {es(TARGET, 2)}",
                met=ratio <= TARGET,
                baseline=f"reemplazo completo: {es(replace['bytes'] / 1e6, 1)} MB en "
                f"{replace['requests']} solicitudes",
                detail={
                    "bytes": republish["bytes"],
                    "bytes_base": replace["bytes"],
                    "solicitudes": republish["requests"],
                    "escrituras": republish["writes"],
                    "bytes_registro_portal": republish["log_bytes"],
                    "filas_enviadas": found["rows_sent"],
                    "filas_actualizadas": found["updated"],
                    "segundos": republish["seconds"],
                    "segundos_base": replace["seconds"],
                    "carga_inicial": found["initial"],
                },
            ),
            Figure(
                name="solicitudes de la nueva publicación",
                value=republish["requests"],
                unit="",
                target="informativo",
                met=None,
                baseline=f"reemplazo completo: {replace['requests']} solicitudes",
                detail={
                    "escrituras": republish["writes"],
                    "lecturas_y_verificacion": republish["requests"] - republish["writes"],
                },
            ),
        ],
        notes=[
            f"{es(found['updated'])} filas actualizadas de {es(found['rows'])}; el portal quedó con "
            f"{es(found['count_after'])} filas. Bytes contados por el adaptador y por el registro "
            f"del portal ({es(republish['log_bytes'])} bytes).",
        ],
    )
