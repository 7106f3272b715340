"""B10 — 20 clerks at once, each uploading a 1 MB file (about 11,000 rows) through the
ventanilla served by two uvicorn workers (one per core): latency as the clerks see it.

Each clerk signs in first (not timed); then all start together and each uploads `b8_rounds`
times, reading its verdict page after every upload. Reported: p50 and p95 of those latencies,
beside the latency of one clerk alone with the same file (measured first, same server).
"""

from __future__ import annotations

import statistics
import threading

from bench import measure
from bench.common import SLUG, WORK, Figure, Result, Sizes, es
from bench.data import vaccination_csv
from bench.ventanilla import Server, fresh


def run(sizes: Sizes, log) -> Result:
    clerks, rounds = sizes.b8_clerks, sizes.b8_rounds
    path = vaccination_csv(sizes.b8_rows)
    log(f"B10: {clerks} funcionarios a la vez con {es(path.stat().st_size / 1e6, 2)} MB cada uno…")
    folder = WORK / "b8"
    fresh(folder)
    with Server(folder / "estado", workers=2) as server:
        people = [server.clerk(f"b10-{n}@salud.gov.co") for n in range(clerks)]
        people[0].upload(path, SLUG)  # warm-up
        alone = measure.median([people[0].upload(path, SLUG)[1] for _ in range(3)])
        latencies: list[float] = []
        failures: list[str] = []
        start = threading.Barrier(clerks)

        def clerk_work(clerk) -> None:
            start.wait()
            for _ in range(rounds):
                try:
                    latencies.append(clerk.upload(path, SLUG)[1])
                except Exception as exc:  # counted, not hidden
                    failures.append(type(exc).__name__)

        threads = [threading.Thread(target=clerk_work, args=(p,)) for p in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failures:
        raise measure.SubjectFailed(f"B10: {len(failures)} subidas fallaron: {failures[:5]}")
    ordered = sorted(latencies)
    cuts = (
        statistics.quantiles(ordered, n=20, method="inclusive")
        if len(ordered) > 1
        else ordered * 19
    )
    p50, p95 = statistics.median(ordered), cuts[18]
    return Result(
        id="B10",
        title=f"{clerks} funcionarios suben a la vez archivos de 1 MB (2 núcleos, 2 procesos)",
        figures=[
            Figure(
                name="latencia p50 (subir y ver el veredicto)",
                value=round(p50, 2),
                unit="s",
                target="informativo",
                met=None,
                baseline=f"un funcionario solo, el mismo archivo: {es(alone, 2)} s",
                detail={"subidas": len(ordered), "rondas": rounds, "max_s": round(ordered[-1], 2)},
            ),
            Figure(
                name="latencia p95 (subir y ver el veredicto)",
                value=round(p95, 2),
                unit="s",
                target="informativo",
                met=None,
                baseline=f"un funcionario solo, el mismo archivo: {es(alone, 2)} s",
                detail={"latencias": [round(x, 2) for x in ordered]},
            ),
        ],
        notes=[
            f"{len(ordered)} subidas de {es(path.stat().st_size / 1e6, 2)} MB "
            f"({es(sizes.b8_rows)} filas); a lo sumo dos revisiones corren a la vez por proceso "
            f"(una por núcleo) y las demás esperan su turno."
        ],
    )
