"""Several machines: two process workers, each on a "host" of its own (its own checkout as
`DATOS_CALI_HOME`, working directory and `PREFECT_HOME`), against one Prefect server, one
PostgreSQL ledger, one shared state folder and one pair of portals (a local portal standing in
for both, reached with credentials, in production mode).

A sweep and a single-dataset run of every dataset are fired at once. Every dataset must reach
each portal exactly once (one «publicado» per dataset and portal; the other runs find it
unchanged or nothing new), no run may fail on a lock, every run's ledger rows must be there,
each with its flow run, and no write-ahead intent may be left without its outcome.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections import Counter

import pytest

from datos_cali.deployments import WORK_POOL
from datos_cali.ledger import open_ledger
from datos_cali.localportal import LocalPortal
from tests.fixtures.prefect_server import (
    CHECKOUT,
    PROJECT_ROOT,
    WorkerHost,
    create_database,
    make_worker_host,
    prepare_server,
    start_worker,
)

pytestmark = [pytest.mark.server, pytest.mark.postgres, pytest.mark.slow]

QUEUE = "dos-equipos"
KEPT = {
    "dagma/areas-proteccion-forestal.yaml",
    "planeacion/indice-mensual-actividad-economica.yaml",
    "transparencia/cumplimiento-plan-apertura.yaml",
}
SLUGS = sorted(entry.rsplit("/", 1)[1].removesuffix(".yaml") for entry in KEPT)
SWEEP = "publicar-pendientes/barrido-pendientes"
TARGETS = {"datos.gov.co", "datos.cali.gov.co"}
WAIT_SECONDS = 900
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
LOCK_ERROR = "Otra ejecución está publicando"
HEARTBEAT_SECONDS = 30


def keep_only(home) -> None:
    for entry in (home / "datasets").glob("*/*.yaml"):
        if str(entry.relative_to(home / "datasets")) not in KEPT:
            entry.unlink()


def create_run(server, deployment: str) -> str:
    found = server.api("GET", f"/deployments/name/{deployment}").json()
    return server.api(
        "POST", f"/deployments/{found['id']}/create_flow_run", json={"work_queue_name": QUEUE}
    ).json()["id"]


@pytest.fixture(scope="module")
def together(tmp_path_factory, postgres_url, prefect_server, ready):
    made = prefect_server.cli("work-queue", "create", QUEUE, "--pool", WORK_POOL)
    assert made.returncode == 0, made.stdout + made.stderr
    # The operator's step, with the heartbeat the workers use: production runs refuse to start
    # where the server's crash automation expects other heartbeats.
    prepare_server(prefect_server, writes=2, heartbeat_seconds=HEARTBEAT_SECONDS)
    root = tmp_path_factory.mktemp("dos-equipos")
    ledger = create_database(postgres_url, f"ledger_{uuid.uuid4().hex[:8]}")
    first = make_worker_host(root / "equipo-a", ledger, prefect_server)  # fills the inboxes
    for folder in CHECKOUT:
        shutil.copytree(PROJECT_ROOT / folder, root / "equipo-b" / "checkout" / folder)
    (root / "equipo-b" / "cwd").mkdir()
    second = WorkerHost(
        home=root / "equipo-b" / "checkout",
        state=first.state,  # the shared folder: inboxes, archive, last published, locks
        workdir=root / "equipo-b" / "cwd",
        ledger_url=ledger,
    )
    for host in (first, second):
        keep_only(host.home)
    portal = LocalPortal(root / "portales").start()
    credentials = portal.credentials
    production = {
        "DATOS_CALI_MODE": "produccion",
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS),
        "DATOS_CALI_GX": "0",
        "DATOS_CALI_RETRY_DELAYS": "0,0,0",
        "SOCRATA_DOMAIN": portal.domain,
        "SOCRATA_SCHEME": "http",
        "SOCRATA_APP_TOKEN": credentials.app_token,
        "SOCRATA_KEY_ID": credentials.key_id,
        "SOCRATA_KEY_SECRET": credentials.key_secret,
        "CKAN_URL": portal.url,
        "CKAN_API_TOKEN": credentials.ckan_token,
    }
    workers = [
        start_worker(
            prefect_server,
            host,
            name,
            *("--work-queue", QUEUE, "--limit", "2"),  # two runs at once per worker: four need both
            env={**production, "PREFECT_HOME": str(host.workdir / "prefect")},
        )
        for host, name in ((first, "equipo-a"), (second, "equipo-b"))
    ]
    try:
        runs = [create_run(prefect_server, SWEEP)]
        runs += [create_run(prefect_server, f"publicar-conjunto/{slug}") for slug in SLUGS]
        deadline = time.monotonic() + WAIT_SECONDS
        states = {}
        while time.monotonic() < deadline:
            states = {run: prefect_server.api("GET", f"/flow_runs/{run}").json() for run in runs}
            if all(s["state_type"] in FINAL for s in states.values()):
                break
            time.sleep(3)
        logs = [w.output() for w in workers]
    finally:
        for worker in workers:
            worker.stop()
    with open_ledger(ledger) as book:
        rows = book.runs()
        unfinished = book.unfinished_intents()
    creates = [
        e
        for e in portal.request_log()
        if e.method == "POST" and e.path in ("/api/views.json", "/api/3/action/package_create")
    ]
    domain = portal.domain
    portal.stop()
    return {
        "runs": runs,
        "states": states,
        "rows": rows,
        "unfinished": unfinished,
        "logs": logs,
        "creates": Counter((e.path, e.status) for e in creates),
        "domain": domain,
        "server": prefect_server,
    }


def test_every_run_completes(together):
    bad = {
        run: (state["state_type"], state["state"]["message"])
        for run, state in together["states"].items()
        if state["state_type"] != "COMPLETED"
    }
    assert not bad, f"{bad}\n" + "\n".join(log[-3000:] for log in together["logs"])


def test_both_workers_took_runs(together):
    for log in together["logs"]:
        assert "Submitting flow run" in log or "submitting flow run" in log.lower()


def test_each_dataset_is_published_once_per_portal(together):
    published = Counter((r.dataset, r.target) for r in together["rows"] if r.outcome == "published")
    assert published == Counter({(slug, target): 1 for slug in SLUGS for target in TARGETS})
    others = {r.outcome for r in together["rows"] if r.outcome != "published"}
    # A run that finds its file already taken says «sin archivo nuevo» — or «archivo no
    # reconocido» where the organismo's inbox still holds demo files of datasets this test's
    # catalog does not keep (planeación sends others): never a second publication.
    assert others <= {"unchanged", "no_new_file", "unrecognised"}, others
    # One dataset created per portal, once: no run created a second copy of any.
    assert together["creates"] == Counter(
        {("/api/views.json", 200): len(SLUGS), ("/api/3/action/package_create", 200): len(SLUGS)}
    ), together["creates"]


def test_no_lock_errors_and_the_ledger_is_complete(together):
    rows = together["rows"]
    assert not [r for r in rows if r.error_message and LOCK_ERROR in r.error_message]
    assert all(r.flow_run_id for r in rows)
    assert together["unfinished"] == []
    domain = together["domain"]
    for row in rows:  # production: the portal named, never the embedded one
        if row.target == "datos.gov.co":
            assert row.portal == f"socrata@{domain}"
        elif row.target == "datos.cali.gov.co":
            assert row.portal == f"ckan@{domain}"
    # Every dataset has a row from the sweep and one from its own run (four runs, three datasets).
    by_dataset = Counter(r.dataset for r in rows if r.target in TARGETS or r.target == "none")
    for slug in SLUGS:
        assert by_dataset[slug] >= 2, by_dataset


def test_no_traceback_in_the_workers_logs(together):
    for log in together["logs"]:
        assert "Traceback" not in log, log[-4000:]
