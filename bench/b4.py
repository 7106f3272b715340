"""B4 — a sweep of 500 small datasets through the Prefect flows to the local portal.

The harness builds a temporary catalog of 500 vaccination-like datasets (1,000 rows each,
each with its inbox file; see bench/catalog.py), starts Prefect's ephemeral server (timed on
its own) and runs `flows.publish.publish_many` over them: pull → archive → read/validate/
score → publish to datos.gov.co (the local portal) → ledger and report, four datasets at a
time. Great Expectations is off (`DATOS_CALI_GX=0`), as the README advises for big sweeps: it
adds a few hundred milliseconds of CPU per dataset and only produces the auditors' Data Docs.

Baseline: the same sweep through the library without Prefect (`pipeline.run_dataset`, four
threads, one portal session and ledger) — what the flows cost on top of the work itself.
"""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import measure
from bench.common import WORK, Figure, Result, Sizes, es

TARGET = 120.0
WORKERS = 4  # publish_many's ThreadPoolTaskRunner


def _catalog(datasets: str, rows: str, folder: str) -> list[str]:
    from bench.catalog import build, slug_of

    work = Path(folder)
    shutil.rmtree(work, ignore_errors=True)
    os.environ.update(build(work, int(datasets), int(rows)))
    os.environ["DATOS_CALI_GX"] = "0"
    os.environ.setdefault("DATOS_CALI_NO_SECRET_BLOCKS", "1")
    for name in ("SOCRATA_KEY_ID", "SOCRATA_USERNAME", "CKAN_API_TOKEN"):
        os.environ.pop(name, None)  # always the local portal
    return [slug_of(number) for number in range(int(datasets))]


def _outcomes(runs) -> dict[str, int]:
    found: dict[str, int] = {}
    for run in runs:
        found[run.outcome] = found.get(run.outcome, 0) + 1
    return found


def flows(datasets: str, rows: str, folder: str) -> dict:
    slugs = _catalog(datasets, rows, folder)
    from datos_cali.cli.run import prefect_defaults

    prefect_defaults()
    started = time.perf_counter()
    from datos_cali_flows import common
    from datos_cali_flows.publish import publish_many

    imported = time.perf_counter()
    common.ensure_concurrency_limit()  # the first API call starts the ephemeral server
    ready = time.perf_counter()
    runs = publish_many(slugs)
    done = time.perf_counter()
    common.close()  # the folder goes in `run`, after Prefect's server has stopped with the process
    return {
        "import": imported - started,
        "server": ready - imported,
        "sweep": done - ready,
        "outcomes": _outcomes(runs),
    }


def library(datasets: str, rows: str, folder: str) -> dict:
    slugs = _catalog(datasets, rows, folder)
    from datos_cali import pipeline
    from datos_cali.catalog import load_catalog
    from datos_cali.ledger import open_ledger
    from datos_cali.portals.session import PortalSession
    from datos_cali.settings import paths

    where = paths()
    catalog = load_catalog(where.catalog)
    started = time.perf_counter()
    with (
        PortalSession(where.state) as session,
        open_ledger() as ledger,
        ThreadPoolExecutor(WORKERS) as pool,
    ):
        session.local  # noqa: B018  (started once here: PortalSession.local is not thread-safe)
        runs = list(
            pool.map(
                lambda slug: pipeline.run_dataset(
                    slug, session, ledger, catalog=catalog, where=where
                ),
                slugs,
            )
        )
    seconds = time.perf_counter() - started
    return {"sweep": seconds, "outcomes": _outcomes(runs)}


def _in_folder(subject: str, n: int, rows: int, folder: Path) -> dict:
    """Run one subject in its own process; its folder (catalog, state, Prefect's database)
    is removed only after that process, and the Prefect server it started, have exited."""
    try:
        return measure.child(subject, str(n), str(rows), str(folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(sizes: Sizes, log) -> Result:
    n, rows = sizes.b4_datasets, sizes.b4_rows
    log(f"B4: {n} conjuntos de {es(rows)} filas por los flujos de Prefect…")
    found = _in_folder("b4-flows", n, rows, WORK / "b4-flujos")
    log("B4: el mismo barrido sin Prefect…")
    base = _in_folder("b4-library", n, rows, WORK / "b4-biblioteca")
    sweep, plain = found["sweep"], base["sweep"]
    return Result(
        id="B4",
        title=f"Barrido de {n} conjuntos pequeños por los flujos",
        figures=[
            Figure(
                name="segundos del barrido (publish_many)",
                value=round(sweep, 1),
                unit="s",
                target=f"≤ {es(TARGET)}",
                met=sweep <= TARGET,
                baseline=f"el mismo barrido sin Prefect (pipeline.run_dataset): {es(plain, 1)} s",
                detail={
                    "por_conjunto_s": round(sweep / n, 3),
                    "por_conjunto_sin_prefect_s": round(plain / n, 3),
                    "sobrecosto_prefect_por_conjunto_s": round((sweep - plain) / n, 3),
                    "arranque_servidor_prefect_s": round(found["server"], 1),
                    "importar_flujos_s": round(found["import"], 1),
                    "resultados": found["outcomes"],
                    "resultados_base": base["outcomes"],
                    "great_expectations": "desactivado (DATOS_CALI_GX=0)",
                },
            ),
            Figure(
                name="segundos por conjunto (sobrecosto de los flujos incluido)",
                value=round(sweep / n, 3),
                unit="s",
                target="informativo",
                met=None,
                baseline=f"sin Prefect: {es(plain / n, 3)} s por conjunto",
                detail={"sobrecosto_prefect_s": round((sweep - plain) / n, 3)},
            ),
        ],
        notes=[
            f"Servidor efímero de Prefect: {es(found['server'], 1)} s para arrancar (aparte). "
            "Great Expectations desactivado (DATOS_CALI_GX=0), como en los barridos grandes."
        ],
    )
