"""B8 — upload + verdict of the 30,000-row vaccination demo through the ventanilla, over HTTP,
against `datos-cali validate` of the same file in the same run.

Subject, server side: the time the ventanilla's access log gives the POST that receives the
file (streamed to disk, archived by SHA-256, pre-checked, its list of rows to fix written,
recorded) plus the GET of the verdict page. Baseline: `datos-cali validate FILE --dataset …`
run in-process (typer's runner) in a fresh process, timed after one warm-up call — the same
analysis and its printing, with imports and first-call set-up excluded on both sides (the
server is warmed by one upload first; B5 measures the cold command). Interleaved.
"""

from __future__ import annotations

import time

from bench import measure
from bench.common import ROOT, SLUG, WORK, Figure, Result, Sizes, es
from bench.ventanilla import Server, fresh, upload_seconds

TARGET = 1.3
DEMO = ROOT / "demo" / "vacunacion-covid19" / "vacunacion_covid19_cali.csv"


def validate_warm(path: str) -> dict:
    """Child: `datos-cali validate` twice in this process; the second call is timed."""
    from typer.testing import CliRunner

    from datos_cali.cli.app import app

    runner = CliRunner()
    arguments = ["validate", path, "--dataset", SLUG]
    runner.invoke(app, arguments)
    started = time.perf_counter()
    result = runner.invoke(app, arguments)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "exit_code": result.exit_code}


def run(sizes: Sizes, log) -> Result:
    log("B8: ventanilla y datos-cali validate con la muestra de 30.000 filas…")
    folder = WORK / "b6"
    fresh(folder)
    uploads: list[tuple[int, float]] = []
    with Server(folder / "estado") as server:
        clerk = server.clerk("b6@salud.gov.co")
        uploads.append(clerk.upload(DEMO, SLUG))  # warm-up: first analysis, caches
        base_runs, _ = measure.interleaved(
            sizes.repeats,
            lambda: measure.child("b8-validate", str(DEMO)),
            lambda: uploads.append(clerk.upload(DEMO, SLUG)) or {},
            progress=lambda text: log(f"B8: {text}"),
        )
        timings = server.timings(*(number for number, _ in uploads))
    measured = uploads[1:]
    server_side = [upload_seconds(timings, number) for number, _ in measured]
    wall = [seconds for _, seconds in measured]
    ours, base = measure.median(server_side), measure.median([r["seconds"] for r in base_runs])
    ratio = ours / base
    return Result(
        id="B8",
        title="Subir y revisar en la ventanilla la muestra de 30.000 filas (HTTP)",
        figures=[
            Figure(
                name="segundos del servidor (recibir, archivar, revisar, mostrar) / datos-cali validate",
                value=round(ratio, 2),
                unit="×",
                target=f"≤ {es(TARGET, 1)}",
                met=ratio <= TARGET,
                baseline=f"datos-cali validate del mismo archivo (en caliente): {es(base, 2)} s",
                detail={
                    "segundos_servidor": round(ours, 3),
                    "segundos_cliente": round(measure.median(wall), 3),
                    "corridas_servidor": [round(s, 3) for s in server_side],
                    "corridas_base": [round(r["seconds"], 3) for r in base_runs],
                },
            )
        ],
        notes=[
            f"Vista desde el navegador (subida por HTTP en la misma máquina incluida): "
            f"{es(measure.median(wall), 2)} s."
        ],
    )
