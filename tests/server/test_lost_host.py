"""A host lost mid-publication, on the real server: a sweep on a process worker stops between
its portal writes and its ledger rows, then the worker and the flow run are killed with SIGKILL.

    - the dead flow run ends CRASHED (heartbeats every 30 s; the automation made by
      `datos-cali servidor preparar` waits three of them), not RUNNING forever;
    - the portal-write slots the dead sweep held come back (60-second leases), so the next run
      on the same host is not blocked;
    - that next run records what the portal received: «publicado (recuperado)» with the dead
      run's id and flow run, and every ledger row has its flow run.

The workers of this test take runs only from their own work queue, so no other test's worker
picks them (and they pick no other test's run).
"""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest

from datos_cali.deployments import WORK_POOL
from datos_cali.ledger import open_ledger
from tests.fixtures.prefect_server import (
    create_database,
    make_worker_host,
    prepare_server,
    start_worker,
)

pytestmark = [pytest.mark.server, pytest.mark.postgres, pytest.mark.slow]

QUEUE = "equipo-perdido"
KEPT = (
    "dagma/areas-proteccion-forestal.yaml",
    "planeacion/indice-mensual-actividad-economica.yaml",
)
SLUG = "areas-proteccion-forestal"
SWEEP = "publicar-pendientes/barrido-pendientes"
ONE = f"publicar-conjunto/{SLUG}"
HEARTBEAT_SECONDS = 30
WRITES = 2
WAIT_SECONDS = 420
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def create_run(server, deployment: str, **env: str) -> str:
    found = server.api("GET", f"/deployments/name/{deployment}").json()
    body = (
        {"work_queue_name": QUEUE, "job_variables": {"env": env}}
        if env
        else {"work_queue_name": QUEUE}
    )
    return server.api("POST", f"/deployments/{found['id']}/create_flow_run", json=body).json()["id"]


def state_of(server, run_id: str) -> str:
    return server.api("GET", f"/flow_runs/{run_id}").json()["state_type"]


def wait_for(what, predicate, seconds: float = WAIT_SECONDS, every: float = 1.0):
    """Poll `predicate` until it returns something truthy; the value and the seconds taken."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        value = predicate()
        if value:
            return value, time.monotonic() - started
        time.sleep(every)
    pytest.fail(f"No ocurrió en {seconds} s: {what}", pytrace=False)


def published_everywhere(state) -> bool:
    """Every kept dataset verified on both (local) portals: its "last published" manifest."""
    slugs = [entry.rsplit("/", 1)[1].removesuffix(".yaml") for entry in KEPT]
    folders = [state / "published" / "socrata@local", state / "published" / "ckan@local"]
    return all((folder / f"{slug}.json").exists() for folder in folders for slug in slugs)


def active_slots(server) -> int:
    return server.api("GET", "/v2/concurrency_limits/datos-cali-portal-writes").json()[
        "active_slots"
    ]


@pytest.fixture(scope="module")
def lost(tmp_path_factory, postgres_url, prefect_server, ready):
    made = prefect_server.cli("work-queue", "create", QUEUE, "--pool", WORK_POOL)
    assert made.returncode == 0, made.stdout + made.stderr
    prepared = prepare_server(prefect_server, writes=WRITES, heartbeat_seconds=HEARTBEAT_SECONDS)

    ledger = create_database(postgres_url, f"ledger_{uuid.uuid4().hex[:8]}")
    host = make_worker_host(tmp_path_factory.mktemp("perdido"), ledger, prefect_server)
    for entry in (host.home / "datasets").glob("*/*.yaml"):  # a catalog of two datasets
        if str(entry.relative_to(host.home / "datasets")) not in KEPT:
            entry.unlink()
    settings = {
        "DATOS_CALI_GX": "0",
        "DATOS_CALI_PORTAL_WRITES": str(WRITES),
        "DATOS_CALI_RETRY_DELAYS": "0,0,0",
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS),
    }
    marker = host.workdir.parent / "pausado"
    worker = start_worker(
        prefect_server, host, "equipo-perdido", "--work-queue", QUEUE, env=settings
    )
    sweep = create_run(prefect_server, SWEEP, DATOS_CALI_TEST_PAUSE=f"before-ledger:{marker}")
    try:
        wait_for("el barrido llega a la pausa", marker.exists)
        # Both datasets verified on both portals, no ledger row yet; the sweep holds every slot.
        wait_for("los dos conjuntos en pausa", lambda: published_everywhere(host.state))
        slots_before = active_slots(prefect_server)
        flow_process = int(marker.read_text(encoding="utf-8"))
    finally:
        os.killpg(worker.process.pid, signal.SIGKILL)  # the host is gone: worker…
        killed_at = time.monotonic()
    os.kill(flow_process, signal.SIGKILL)  # …and the flow run's process
    worker.process.wait(timeout=30)

    wait_for(
        "la ejecución muerta pasa a CRASHED",
        lambda: state_of(prefect_server, sweep) == "CRASHED",
        every=2,
    )
    crashed_after = time.monotonic() - killed_at
    wait_for("los cupos vuelven", lambda: active_slots(prefect_server) == 0, every=2)
    freed_after = time.monotonic() - killed_at

    again = start_worker(
        prefect_server, host, "equipo-perdido-2", "--work-queue", QUEUE, env=settings
    )
    try:
        started = time.monotonic()
        next_run = create_run(prefect_server, ONE)
        final, _ = wait_for(
            "la siguiente ejecución termina",
            lambda: (s := state_of(prefect_server, next_run)) in FINAL and s,
            every=2,
        )
        next_seconds = time.monotonic() - started
    finally:
        again.stop()
    with open_ledger(host.ledger_url) as book:
        rows = book.runs()
        unfinished = book.unfinished_intents(SLUG)
    print(
        f"\n[medida] CRASHED {crashed_after:.0f} s después del kill -9 (latido {HEARTBEAT_SECONDS} s); "
        f"cupos libres a los {freed_after:.0f} s; la siguiente ejecución tardó {next_seconds:.0f} s"
    )
    return {
        "prepared": prepared,
        "sweep": sweep,
        "slots_before": slots_before,
        "crashed_after": crashed_after,
        "freed_after": freed_after,
        "next": next_run,
        "next_state": final,
        "rows": rows,
        "unfinished": unfinished,
        "worker_log": worker.output(),
        "server": prefect_server,
    }


def test_the_operator_command_set_the_limit_and_the_automation(lost):
    assert "datos-cali-portal-writes" in lost["prepared"]
    assert f"sin latidos durante {3 * HEARTBEAT_SECONDS} s" in lost["prepared"]


def test_the_dead_run_ends_crashed_within_the_heartbeat_window(lost):
    server = lost["server"]
    run = server.api("GET", f"/flow_runs/{lost['sweep']}").json()
    assert run["state_type"] == "CRASHED"
    assert "dejó de enviar latidos" in (run["state"]["message"] or "")
    # Three missed heartbeats, plus one period (the last heartbeat may be that old at the kill)
    # and the server's evaluation: a bound, not a timing measurement.
    assert lost["crashed_after"] < 5 * HEARTBEAT_SECONDS + 60


def test_the_dead_sweeps_slots_come_back_and_the_next_run_is_not_blocked(lost):
    assert lost["slots_before"] == WRITES
    assert lost["next_state"] == "COMPLETED"


def test_the_next_run_records_what_the_portal_received(lost):
    rows = [r for r in lost["rows"] if r.dataset == SLUG]
    recovered = [r for r in rows if r.outcome == "recovered"]
    assert {r.target for r in recovered} == {"datos.gov.co", "datos.cali.gov.co"}
    for row in recovered:
        assert row.created == row.rows == 25, (row.target, row.error_message)
        assert row.portal.endswith("@local")
    assert lost["unfinished"] == []
    # Every row knows its flow run; the recovered ones, the dead sweep's.
    assert all(r.flow_run_id for r in lost["rows"])
    dead = {r.flow_run_id for r in recovered}
    server = lost["server"]
    for flow_run_id in dead:
        assert server.api("GET", f"/flow_runs/{flow_run_id}").json()["state_type"] == "CRASHED"
    after = [r for r in rows if r.flow_run_id == lost["next"]]
    assert {r.outcome for r in after} == {"unchanged"}, [
        (r.outcome, r.error_message) for r in after
    ]
