"""B6 — Prefect on a real server: deploying, a schedule's latency, the flow's cost on a worker.

The harness starts what production runs (README, «Running it for real»), on loopback: a
throwaway PostgreSQL cluster (tests/fixtures/postgres.py), `prefect server start` on it, the
work pool, `prefect deploy --all`, and one process worker with its own copy of the checkout,
its own state folder and a PostgreSQL ledger (tests/fixtures/prefect_server.py: the same code
the real-server suite uses).

- **deploy**: `prefect deploy --all` of prefect.yaml (19 deployments), the first time (creates)
  and again (updates), interleaved with its baseline, `prefect deployment ls` — the fixed cost
  of any `prefect` command (a new process importing Prefect, one API call).
- **latency**: one-shot schedules (an RRULE, due 25 s after it is added, one run every 30 s);
  the figure is a run's start (RUNNING) minus its scheduled time, as Prefect records both, with
  the worker's default polling (every 10 s, 10 s ahead).
- **overhead**: one dataset (vacunacion-covid19, 30,000 rows, both portals, Great Expectations
  on as in production) run by the worker from its deployment — from the worker's submission
  (PENDING) to COMPLETED: a new process, the pull step, imports, the flow with its tasks,
  artifacts, logs and report site — against the same steps through the library in a new
  `python` process (`pipeline.run_dataset`, expectations as `DATOS_CALI_GX` says, then `auditsite.rebuild_after_runs`),
  from its start to its exit. Each run gets a fresh state folder (the demo inboxes) and a fresh
  ledger database, so both do the same first publication; subject and baseline alternate.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
import uuid
from pathlib import Path

from bench import measure
from bench.common import ROOT, WORK, Figure, Result, Sizes, es

LATENCY_SLUG = "areas-proteccion-forestal"  # 25 rows: its runs are short
OVERHEAD_SLUG = "vacunacion-covid19"  # 30,000 rows, the demo's largest
LEAD_SECONDS = 25
SPACING_SECONDS = 30
RUN_TIMEOUT_SECONDS = 600
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def library(slug: str) -> dict:
    """Child process: the run of one dataset through the library alone (the baseline)."""
    from datos_cali import auditsite, pipeline
    from datos_cali.ledger import open_ledger
    from datos_cali.portals.session import PortalSession
    from datos_cali.settings import paths

    where = paths()
    with PortalSession(where.state) as session, open_ledger() as ledger:
        run = pipeline.run_dataset(slug, session, ledger)
        auditsite.rebuild_after_runs(where, ledger=ledger)
    return {"outcome": run.outcome}


class Harness:
    """PostgreSQL, the Prefect server, the deployments and one worker host, started once."""

    def __init__(self, folder: Path) -> None:
        from tests.fixtures import postgres, prefect_server

        self.fixtures = prefect_server
        self.folder = folder
        self.cluster = postgres.start_cluster()
        self.server = self.worker = None

    def start(self, log) -> None:
        log("B6: servidor de Prefect sobre PostgreSQL…")
        self.server = self.fixtures.start_server(self.cluster.url("postgres"))
        pool = self.server.cli("work-pool", "create", "datos-cali", "--type", "process")
        if pool.returncode != 0:
            raise measure.SubjectFailed(pool.stdout + pool.stderr)
        self.host = self.fixtures.make_worker_host(
            self.folder / "equipo", self.new_database("ledger"), self.server
        )

    def new_database(self, prefix: str) -> str:
        return self.fixtures.create_database(
            self.cluster.url("postgres"), f"{prefix}_{uuid.uuid4().hex[:8]}"
        )

    def timed_cli(self, *args: str) -> float:
        started = time.perf_counter()
        done = self.server.cli(*args, cwd=ROOT)
        if done.returncode != 0:
            raise measure.SubjectFailed(f"prefect {' '.join(args)}:\n{done.stdout}{done.stderr}")
        return time.perf_counter() - started

    def start_worker(self) -> None:
        self.worker = self.fixtures.start_worker(self.server, self.host, "banco-de-pruebas")

    def deployment_id(self, slug: str) -> str:
        return self.server.api("GET", f"/deployments/name/publicar-conjunto/{slug}").json()["id"]

    def wait_final(self, run_id: str) -> dict:
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            run = self.server.api("GET", f"/flow_runs/{run_id}").json()
            if run["state_type"] in FINAL:
                return run
            time.sleep(1)
        raise measure.SubjectFailed(f"la ejecución {run_id} no terminó en {RUN_TIMEOUT_SECONDS} s")

    def state_times(self, run_id: str) -> dict[str, dt.datetime]:
        states = self.server.api("GET", "/flow_run_states/", params={"flow_run_id": run_id}).json()
        return {s["type"]: dt.datetime.fromisoformat(s["timestamp"]) for s in states}

    def close(self) -> None:
        from tests.fixtures import postgres

        if self.worker is not None:
            self.worker.stop()
        if self.server is not None:
            self.server.service.stop()
            shutil.rmtree(self.server.root, ignore_errors=True)
        postgres.stop_cluster(self.cluster)


def _deploy(harness: Harness, repeats: int, log) -> dict:
    log("B6: prefect deploy --all…")
    first = harness.timed_cli("--no-prompt", "deploy", "--all")
    again, listing = [], []
    for _ in range(repeats):
        listing.append(harness.timed_cli("deployment", "ls"))
        again.append(harness.timed_cli("--no-prompt", "deploy", "--all"))
    count = len(harness.server.api("POST", "/deployments/filter", json={}).json())
    return {"first": first, "again": again, "listing": listing, "deployments": count}


def _latency(harness: Harness, repeats: int, log) -> dict:
    log(f"B6: {repeats} ejecuciones programadas de {LATENCY_SLUG}…")
    due = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=LEAD_SECONDS)
    rrule = f"DTSTART:{due:%Y%m%dT%H%M%S}\nRRULE:FREQ=SECONDLY;INTERVAL={SPACING_SECONDS};COUNT={repeats}"
    made = harness.server.cli(
        "deployment", "schedule", "create", f"publicar-conjunto/{LATENCY_SLUG}",
        "--rrule", rrule, "--timezone", "UTC",
    )  # fmt: skip
    if made.returncode != 0:
        raise measure.SubjectFailed(made.stdout + made.stderr)
    deployment = harness.deployment_id(LATENCY_SLUG)
    wanted = {due + dt.timedelta(seconds=SPACING_SECONDS * i) for i in range(repeats)}
    deadline = time.monotonic() + LEAD_SECONDS + SPACING_SECONDS * repeats + RUN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        runs = harness.server.api(
            "POST",
            "/flow_runs/filter",
            json={"deployments": {"id": {"any_": [deployment]}}, "limit": 50},
        ).json()
        fired = [r for r in runs if dt.datetime.fromisoformat(r["expected_start_time"]) in wanted]
        if len(fired) == repeats and all(r["state_type"] in FINAL for r in fired):
            break
        time.sleep(2)
    else:
        raise measure.SubjectFailed("las ejecuciones programadas no terminaron")
    delays = [
        (
            dt.datetime.fromisoformat(r["start_time"])
            - dt.datetime.fromisoformat(r["expected_start_time"])
        ).total_seconds()
        for r in fired
    ]
    return {"delays": sorted(delays), "states": sorted(r["state_type"] for r in fired)}


def _fresh(harness: Harness, label: str) -> dict[str, str]:
    """A fresh state folder with the demo inboxes and a fresh ledger database."""
    state = harness.folder / f"estado-{label}-{uuid.uuid4().hex[:6]}"
    env = {
        "DATOS_CALI_STATE": str(state),
        "DATOS_CALI_DB_URL": harness.new_database("ledger"),
        "DATOS_CALI_GX": "1",  # production's default, whatever the bench's own environment says
    }
    harness.host.demo(harness.server, **env)
    return env


def _flow_on_worker(harness: Harness) -> dict:
    env = _fresh(harness, "flujo")
    run = harness.server.api(
        "POST",
        f"/deployments/{harness.deployment_id(OVERHEAD_SLUG)}/create_flow_run",
        json={"job_variables": {"env": env}},
    ).json()
    finished = harness.wait_final(run["id"])
    if finished["state_type"] != "COMPLETED":
        raise measure.SubjectFailed(f"{OVERHEAD_SLUG} en el worker: {finished['state']}")
    times = harness.state_times(run["id"])
    return {
        "submitted_to_completed": (times["COMPLETED"] - times["PENDING"]).total_seconds(),
        "submitted_to_running": (times["RUNNING"] - times["PENDING"]).total_seconds(),
        "running_to_completed": (times["COMPLETED"] - times["RUNNING"]).total_seconds(),
        "waiting_for_worker": (
            times["PENDING"] - dt.datetime.fromisoformat(run["created"])
        ).total_seconds(),
    }


def _library_alone(harness: Harness) -> dict:
    env = harness.host.env(harness.server, **_fresh(harness, "biblioteca"))
    found = measure.child("b6-library", OVERHEAD_SLUG, env=env, timeout=RUN_TIMEOUT_SECONDS)
    return {"wall": found["wall"], "outcome": found["outcome"]}


def _overhead(harness: Harness, repeats: int, log) -> dict:
    log(f"B6: {OVERHEAD_SLUG} en el worker y con la biblioteca sola, {repeats} veces…")
    flows, plain = [], []
    for _ in range(repeats):
        flows.append(_flow_on_worker(harness))
        plain.append(_library_alone(harness))
    return {"flows": flows, "library": plain}


def run(sizes: Sizes, log) -> Result:
    folder = WORK / "b6"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    harness = Harness(folder)
    try:
        harness.start(log)
        deploy = _deploy(harness, sizes.repeats, log)
        harness.start_worker()
        latency = _latency(harness, sizes.repeats, log)
        overhead = _overhead(harness, sizes.repeats, log)
    finally:
        harness.close()
        shutil.rmtree(folder, ignore_errors=True)
    return _result(deploy, latency, overhead)


def _result(deploy: dict, latency: dict, overhead: dict) -> Result:
    count = deploy["deployments"]
    listing = measure.median(deploy["listing"])
    again = measure.median(deploy["again"])
    delays = latency["delays"]
    flow = measure.median([f["submitted_to_completed"] for f in overhead["flows"]])
    plain = measure.median([p["wall"] for p in overhead["library"]])
    parts = {
        key: round(measure.median([f[key] for f in overhead["flows"]]), 2)
        for key in overhead["flows"][0]
    }
    return Result(
        id="B6",
        title="Prefect en un servidor real (PostgreSQL): despliegue, programación y un worker",
        figures=[
            Figure(
                name=f"segundos de prefect deploy --all ({count} despliegues), la primera vez",
                value=round(deploy["first"], 1),
                unit="s",
                target="informativo",
                met=None,
                baseline=f"prefect deployment ls: {es(listing, 1)} s",
                detail={
                    "actualizar_todos_s": round(again, 1),
                    "por_despliegue_s": round(deploy["first"] / count, 2),
                    "deployment_ls_s": round(listing, 2),
                },
            ),
            Figure(
                name="segundos de la hora programada al inicio en el worker (mediana)",
                value=round(measure.median(delays), 1),
                unit="s",
                target="informativo",
                met=None,
                baseline="la hora programada de cada ejecución",
                detail={"retrasos_s": [round(d, 1) for d in delays], "estados": latency["states"]},
            ),
            Figure(
                name=f"{OVERHEAD_SLUG} en el worker / con la biblioteca sola (proceso nuevo)",
                value=round(flow / plain, 2),
                unit="×",
                target="informativo",
                met=None,
                baseline=f"pipeline.run_dataset + sitio en un python nuevo: {es(plain, 1)} s",
                detail={
                    "flujo_en_worker_s": round(flow, 1),
                    "sobrecosto_s": round(flow - plain, 1),
                    "etapas_mediana_s": parts,
                    "resultados_base": sorted({p["outcome"] for p in overhead["library"]}),
                },
            ),
        ],
        notes=[
            f"Flujo en el worker: de enviado (PENDING) a COMPLETED, {es(flow, 1)} s; de ellos "
            f"{es(parts['submitted_to_running'], 1)} s hasta RUNNING (proceso nuevo, paso de "
            f"descarga, importaciones). Actualizar los {count} despliegues: {es(again, 1)} s."
        ],
    )
