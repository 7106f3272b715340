"""A schedule fires: the server's scheduler creates the run, a process worker on another "host"
runs it, the dataset reaches the (local) portals and its ledger rows reach PostgreSQL.

The schedule is a one-shot RRULE due 30 s after it is added (`prefect deployment schedule
create`), so the test waits for one run instead of for a cron minute; the deployment itself,
its pull step and the worker are the ones production uses.
"""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from datos_cali.deployments import WORK_POOL
from datos_cali.ledger import open_ledger
from datos_cali.localportal import LocalPortal
from tests.fixtures.prefect_server import start_worker, tracebacks
from tests.server.conftest import HOST_TITLE

pytestmark = [pytest.mark.server, pytest.mark.postgres]

SLUG = "areas-proteccion-forestal"  # small (25 rows), published to both portals
DEPLOYMENT = f"publicar-conjunto/{SLUG}"
LEAD_SECONDS = 30  # from adding the schedule to its run being due
RUN_TIMEOUT_SECONDS = 300
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def flow_run(server, run_id: str) -> dict:
    return server.api("GET", f"/flow_runs/{run_id}").json()


def runs_due_at(server, deployment_id: str, due: dt.datetime) -> list[dict]:
    found = server.api(
        "POST",
        "/flow_runs/filter",
        json={"deployments": {"id": {"any_": [deployment_id]}}, "limit": 50},
    ).json()
    return [r for r in found if dt.datetime.fromisoformat(r["expected_start_time"]) == due]


@pytest.fixture(scope="session")
def fired(prefect_server, worker):
    """Add a schedule due in LEAD_SECONDS and wait until the run it creates is final."""
    due = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=LEAD_SECONDS)
    rrule = f"DTSTART:{due:%Y%m%dT%H%M%S}\nRRULE:FREQ=MINUTELY;COUNT=1"
    made = prefect_server.cli(
        "deployment", "schedule", "create", DEPLOYMENT, "--rrule", rrule, "--timezone", "UTC"
    )
    assert made.returncode == 0, made.stdout + made.stderr
    deployment = prefect_server.api("GET", f"/deployments/name/{DEPLOYMENT}").json()
    deadline = time.monotonic() + LEAD_SECONDS + RUN_TIMEOUT_SECONDS
    run = None
    while time.monotonic() < deadline:
        found = runs_due_at(prefect_server, deployment["id"], due)
        if found and found[0]["state_type"] in FINAL:
            run = found[0]
            break
        time.sleep(2)
    assert run is not None, f"Ninguna ejecución programada terminó.\n{worker.output()[-4000:]}"
    return {"run": run, "due": due}


def test_the_scheduler_creates_the_run_and_the_worker_completes_it(prefect_server, fired):
    run = fired["run"]
    assert run["auto_scheduled"] is True
    assert run["created_by"]["type"] == "SCHEDULE"
    assert run["state_type"] == "COMPLETED", run["state"]
    assert run["work_pool_name"] == WORK_POOL
    assert run["parameters"] == {"slug": SLUG}
    started = dt.datetime.fromisoformat(run["start_time"])
    # Prefect's worker may start a run up to its prefetch (10 s) early; it must not start late.
    assert abs((started - fired["due"]).total_seconds()) < 60


def test_the_run_entered_the_worker_hosts_own_checkout(prefect_server, fired, worker_host):
    logs = prefect_server.cli("flow-run", "logs", fired["run"]["id"])
    assert logs.returncode == 0, logs.stderr
    assert "submitting flow run" in logs.stdout  # the worker's own log line
    assert "Deployment step 'enter_home' completed successfully" in logs.stdout
    # The dataset was published with the title of the host's catalog, not the repository's.
    with open_ledger(worker_host.ledger_url) as ledger:
        socrata = ledger.latest(SLUG, "datos.gov.co")
    with LocalPortal(worker_host.state / "portal").start() as portal:
        view = httpx.get(f"{portal.url}/api/views/{socrata.asset_id}.json").json()
    assert view["name"] == HOST_TITLE


def test_the_dataset_is_published_and_its_ledger_rows_are_in_postgresql(fired, worker_host):
    with open_ledger(worker_host.ledger_url) as ledger:
        rows = ledger.runs(dataset=SLUG)
    assert ledger_url_is_postgresql(worker_host.ledger_url)
    assert {r.target for r in rows} == {"datos.gov.co", "datos.cali.gov.co"}
    for record in rows:
        assert record.outcome == "published", (record.target, record.error_message)
        assert record.flow_run_id == fired["run"]["id"]
        assert record.rows == record.created > 0
    socrata = next(r for r in rows if r.target == "datos.gov.co")
    with LocalPortal(worker_host.state / "portal").start() as portal:
        counted = httpx.get(
            f"{portal.url}/resource/{socrata.asset_id}.json", params={"$select": "count(*)"}
        ).json()
    assert counted == [{"count": str(socrata.rows)}]


def ledger_url_is_postgresql(url: str) -> bool:
    return url.startswith("postgresql+psycopg://")


# (command, what its output must show: "{run}" is the fired run's id)
INSPECTION = [
    (["deployment", "ls"], DEPLOYMENT),
    (["deployment", "schedule", "ls", DEPLOYMENT], "RRULE:FREQ=MINUTELY;COUNT=1"),
    (["flow-run", "ls"], "publicar-conjunto"),
    (["flow-run", "ls", "--state-type", "COMPLETED"], "{run}"),
    (["flow-run", "logs", "{run}"], "Finished in state Completed()"),
    (["work-pool", "ls"], WORK_POOL),
    (["work-pool", "inspect", WORK_POOL], "process"),
    (["flow", "ls"], "publicar-conjunto"),
    (["artifact", "ls"], f"resumen-{SLUG}"),
    (["block", "ls"], None),
    (["work-queue", "ls"], "default"),
    (["work-queue", "ls", "--pool", WORK_POOL], "default"),
]


@pytest.mark.parametrize(("command", "shows"), INSPECTION, ids=[" ".join(c) for c, _ in INSPECTION])
def test_the_operators_inspection_commands_work(prefect_server, fired, command, shows):
    run_id = fired["run"]["id"]
    done = prefect_server.cli(*(part.format(run=run_id) for part in command))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    assert "422 Unprocessable" not in output
    if shows is not None:
        assert shows.format(run=run_id) in done.stdout


def test_the_server_log_has_no_traceback(prefect_server, fired):
    assert tracebacks(prefect_server.log()) == []


def test_a_worker_stops_on_its_units_stop_signal(prefect_server, worker_host, ready):
    """ops/systemd/datos-cali-worker@.service's KillSignal, sent to the worker alone
    (KillMode=mixed), stops it well within TimeoutStopSec."""
    service = start_worker(prefect_server, worker_host, "equipo-que-se-detiene")
    seconds = service.stop()
    assert seconds is not None, service.output()
    assert "stopped!" in service.output()
    assert tracebacks(service.output()) == []
