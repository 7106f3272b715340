"""`datos-cali servidor preparar|secretos` against the session's Prefect server: the limit is
set once by the operator and never by a run; the crash automation exists with the heartbeat's
window; Secret blocks come from the environment and the flows read them back."""

from __future__ import annotations

import contextlib

import pytest
from prefect.automations import Automation
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from datos_cali.runmode import ModeError
from datos_cali_flows import common, operations

pytestmark = pytest.mark.prefect


def limit_size() -> int:
    with get_client(sync_client=True) as client:
        return client.read_global_concurrency_limit_by_name(common.PORTAL_WRITES).limit


@pytest.fixture
def restore_limit(flow_process):
    yield
    operations.ensure_write_limit(common.DEFAULT_PORTAL_WRITES)  # other tests expect 4


def test_prepare_sets_the_limit_and_the_crash_automation(cli, restore_limit, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_PORTAL_WRITES", "3")
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 30}):
        first = cli("servidor", "preparar")
        again = cli("servidor", "preparar")
    assert first.exit_code == 0, first.stdout
    assert "datos-cali-portal-writes" in first.stdout and "3 (ajustado)" in first.stdout
    assert "sin latidos durante 90 s (latido cada 30 s)" in first.stdout
    assert "3 (ya estaba así)" in again.stdout and "ya existía" in again.stdout
    assert limit_size() == 3
    automation = Automation.read(name=operations.CRASH_AUTOMATION)
    assert automation.enabled and automation.trigger.within.total_seconds() == 90
    assert automation.trigger.posture == "Proactive"
    [action] = automation.actions
    assert action.type == "change-flow-run-state" and action.state == "CRASHED"


def test_a_run_with_another_limit_in_its_environment_does_not_change_it(
    mini, restore_limit, monkeypatch
):
    from datos_cali_flows.publish import publish_dataset

    operations.ensure_write_limit(2)
    monkeypatch.setenv("DATOS_CALI_PORTAL_WRITES", "7")
    common._limit_ready.clear()  # as a new process would
    slug = mini.add("imae-limite", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    assert publish_dataset(slug, build_site=False).outcome == "published"
    assert limit_size() == 2


def test_a_sweep_asks_no_more_slots_than_the_limit_and_runs_no_more_datasets_at_once(
    mini, restore_limit
):
    """The installation's limit (1 here) is smaller than the worker's sweep width (4): the
    sweep takes 1 slot instead of failing with Prefect's 422, and publishes one at a time."""
    import threading

    from datos_cali import events
    from datos_cali_flows.publish import SWEEP_WORKERS, publish_many

    assert SWEEP_WORKERS > 1
    operations.ensure_write_limit(1)
    slugs = [
        mini.add(f"imae-barrido-{n}", {"kind": "inbox", "pattern": f"IMAE_{n}*"}) for n in "abc"
    ]
    for n in "abc":
        mini.drop_in_inbox(f"IMAE_{n}.csv")
    lock, running, most = threading.Lock(), set(), [0]

    def watch(kind: str, data: dict) -> None:
        if kind != "step" or data["step"] not in ("recover", "finish"):
            return
        with lock:
            if data["step"] == "recover":
                running.add(data["slug"])
            else:
                running.discard(data["slug"])
            most[0] = max(most[0], len(running))

    stop = events.subscribe(watch)
    try:
        runs = publish_many(slugs)
    finally:
        stop()
    assert [r.outcome for r in runs] == ["published"] * 3
    assert most[0] == 1
    assert limit_size() == 1


def test_secret_blocks_from_the_environment_are_read_by_the_flows(cli, flow_process, monkeypatch):
    monkeypatch.delenv("DATOS_CALI_NO_SECRET_BLOCKS", raising=False)
    for name in ("SOCRATA_KEY_ID", "SOCRATA_USERNAME", "SOCRATA_PASSWORD", "SOCRATA_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOCRATA_KEY_SECRET", "secreto-de-prueba")
    monkeypatch.setenv("CKAN_API_TOKEN", "token-de-prueba")
    result = cli("servidor", "secretos")
    assert result.exit_code == 0, result.stdout
    assert "Bloque Secret «socrata-key-secret» guardado." in result.stdout
    assert "Sin valor en el entorno para «socrata-key-id»: no se creó." in result.stdout
    assert "secreto-de-prueba" not in result.stdout  # never shown
    assert common._secret("socrata-key-secret") == "secreto-de-prueba"
    assert common._secret("ckan-api-token") == "token-de-prueba"


def test_secrets_without_credentials_in_the_environment_is_a_clear_error(cli, monkeypatch):
    for variables in operations.SECRET_BLOCKS.values():
        for name in variables:
            monkeypatch.delenv(name, raising=False)
    result = cli("servidor", "secretos")
    assert result.exit_code == 2
    assert "No hay credenciales en el entorno" in result.output


@pytest.fixture
def watched(flow_process):
    """The crash automation made for 30-second heartbeats; removed afterwards."""
    operations.ensure_crash_automation(30)
    yield
    Automation.read(name=common.CRASH_AUTOMATION).delete()


@pytest.mark.parametrize("seconds", [30, 31, 180, None])
def test_a_production_run_checks_its_heartbeats_against_the_servers_watch(watched, seconds):
    """Prepared for 30 s (CRASHED after 90 s without one): a process sending them every 30 s
    may run; one sending them less often would be marked CRASHED alive, and one sending none
    would stay RUNNING forever if its host died — both are said before the run starts."""
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: seconds}):
        if seconds == 30:
            common.check_heartbeats()
            return
        with pytest.raises(ModeError) as caught:
            common.check_heartbeats()
    said = str(caught.value)
    if seconds is None:
        assert "no envía latidos" in said and "en 30 s" in said
    else:
        assert f"un latido cada {seconds} s" in said and "durante 90 s" in said
        assert "PREFECT_FLOWS_HEARTBEAT_FREQUENCY=30" in said


def test_a_production_run_without_the_crash_watch_is_refused(flow_process):
    with contextlib.suppress(ValueError):  # not made yet in this session
        Automation.read(name=common.CRASH_AUTOMATION).delete()
    with pytest.raises(ModeError, match="datos-cali servidor preparar"):
        common.check_heartbeats()


def test_the_flows_preflight_checks_the_watch_in_production_only(
    flow_process, monkeypatch, tmp_path
):
    with contextlib.suppress(ValueError):
        Automation.read(name=common.CRASH_AUTOMATION).delete()
    common.close()  # the next preflight opens this environment's session and ledger
    monkeypatch.setenv("DATOS_CALI_DB_URL", f"sqlite:///{tmp_path / 'registro.db'}")
    for name, value in {
        "DATOS_CALI_NO_SECRET_BLOCKS": "1",
        "SOCRATA_DOMAIN": "datos.example.org",
        "SOCRATA_KEY_ID": "id",
        "SOCRATA_KEY_SECRET": "secreto",
        "CKAN_URL": "https://ckan.example.org",
        "CKAN_API_TOKEN": "token",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        monkeypatch.setenv("DATOS_CALI_MODE", "local")
        common.preflight()  # local: no watch needed
        common.close()
        monkeypatch.setenv("DATOS_CALI_MODE", "produccion")
        with pytest.raises(ModeError, match="no tiene activa la automatización"):
            common.preflight()
    finally:
        common.close()
