"""The Prefect flows: artifacts, retries only for transient failures, concurrency, due sweeps."""

from __future__ import annotations

import datetime as dt

import pytest

from datos_cali.ledger import open_ledger

pytestmark = pytest.mark.prefect


def task_runs_of(flow_run_id: str, settle_seconds: float = 60) -> list[dict]:
    """A flow run's task runs once the server has recorded all of them as finished.

    The server records task runs from events, in the background (and retries when its SQLite is
    busy): right after the flow returns, a task may still lack its start time or final state.
    """
    import time

    from prefect.client.orchestration import get_client

    body = {
        "flow_runs": {"id": {"any_": [flow_run_id]}},
        "limit": 200,
        "offset": 0,
        "sort": "ID_DESC",
    }
    deadline = time.monotonic() + settle_seconds
    with get_client(sync_client=True) as client:
        while True:
            tasks = client.request("POST", "/task_runs/filter", json=body).json()
            if all(_recorded(task) for task in tasks) or time.monotonic() > deadline:
                return tasks
            time.sleep(0.2)


def _recorded(task: dict) -> bool:
    final = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
    return task["start_time"] is not None and task["state_type"] in final


def artifacts_of(flow_run_id: str) -> list[dict]:
    """Artifacts of a flow run, through the REST API the Prefect UI uses."""
    from prefect.client.orchestration import get_client

    body = {
        "artifacts": {"flow_run_id": {"any_": [flow_run_id]}},
        "limit": 50,
        "offset": 0,
        "sort": "CREATED_DESC",
    }
    with get_client(sync_client=True) as client:
        return client.request("POST", "/artifacts/filter", json=body).json()


def test_publish_dataset_records_the_flow_run_and_artifacts(mini):
    from datos_cali_flows.publish import publish_dataset

    slug = mini.add("imae-flujo", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    run = publish_dataset(slug)
    assert run.outcome == "published"
    with open_ledger() as ledger:
        [row] = ledger.runs(dataset=slug)
    assert row.flow_run_id and row.created == 72
    artifacts = {a["key"]: a for a in artifacts_of(row.flow_run_id)}
    assert set(artifacts) >= {"resumen-imae-flujo", "informe-imae-flujo"}
    assert "**Resultado:** publicado" in artifacts["resumen-imae-flujo"]["data"]
    assert "/conjuntos/imae-flujo.html)" in artifacts["informe-imae-flujo"]["data"]


def test_a_contract_failure_is_final_and_not_retried(mini):
    from datos_cali_flows.publish import publish_dataset

    slug = mini.add("imae-flujo-malo", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox(
        data="Año;Mes;Índice (2015=100);Variación anual (%)\r\n2016;enero;x;\r\n".encode("cp1252")
    )
    run = publish_dataset(slug)
    assert run.outcome == "rejected"
    with open_ledger() as ledger:
        [row] = ledger.runs(dataset=slug)
    ingest = [t for t in task_runs_of(row.flow_run_id) if t["name"].startswith("ingerir")]
    assert len(ingest) == 1 and ingest[0]["run_count"] == 1


def test_a_transient_source_failure_is_retried_then_reported(mini, tmp_path, monkeypatch):
    from datos_cali_flows.publish import publish_dataset

    monkeypatch.setenv("IMAE_DB", f"sqlite:///{tmp_path}/no/existe/db.sqlite")
    slug = mini.add(
        "imae-flujo-sql", {"kind": "sql", "location": "env:IMAE_DB", "query": "select 1"}
    )
    run = publish_dataset(slug)
    assert run.outcome == "failed" and "La consulta SQL falló" in run.message
    with open_ledger() as ledger:
        [row] = ledger.runs(dataset=slug)
    tasks = task_runs_of(row.flow_run_id)
    assert [t["run_count"] for t in tasks if t["name"].startswith("ingerir")] == [
        4
    ]  # 1 + 3 retries


def test_publish_many_runs_datasets_concurrently_under_a_global_limit(mini):
    from prefect.client.orchestration import get_client

    from datos_cali import events
    from datos_cali_flows.common import PORTAL_WRITES
    from datos_cali_flows.publish import publish_many

    def occupied() -> int:
        with get_client(sync_client=True) as client:
            return client.read_global_concurrency_limit_by_name(PORTAL_WRITES).active_slots

    slugs = [
        mini.add(f"imae-lote-{i}", {"kind": "url", "location": "https://example.invalid/x.csv"})
        for i in range(2)
    ]
    slugs.append(mini.add("imae-lote-bandeja", {"kind": "inbox", "pattern": "IMAE*"}))
    mini.drop_in_inbox()
    during: list[int] = []
    stop = events.subscribe(
        lambda kind, data: during.append(occupied()) if kind == "dataset_finished" else None
    )
    try:
        runs = {r.slug: r for r in publish_many(slugs)}
    finally:
        stop()
    assert runs["imae-lote-bandeja"].outcome == "published"
    assert (
        runs["imae-lote-0"].outcome == "failed"
        and "No se pudo descargar" in runs["imae-lote-0"].message
    )
    assert during == [3, 3, 3]  # the sweep holds one slot per worker it can use (3 datasets)
    assert occupied() == 0  # and gives them back when it ends


def test_a_bad_portal_write_limit_is_a_clear_message(monkeypatch):
    from datos_cali_flows.common import BAD_WRITE_LIMIT, portal_write_limit

    monkeypatch.setenv("DATOS_CALI_PORTAL_WRITES", "cuatro")
    with pytest.raises(SystemExit) as stopped:
        portal_write_limit()
    assert str(stopped.value) == BAD_WRITE_LIMIT.format(raw="cuatro")


def test_publish_due_skips_datasets_published_within_their_period(mini):
    from datos_cali_flows.publish import publish_due

    fresh = mini.add(
        "imae-al-dia", {"kind": "inbox", "pattern": "IMAE_al_dia*"}, frequency="mensual"
    )
    stale = mini.add("imae-vencido", {"kind": "inbox", "pattern": "IMAE*"}, frequency="mensual")
    with open_ledger() as ledger:
        now = dt.datetime.now(dt.UTC)
        for slug, when in (
            (fresh, now - dt.timedelta(days=3)),
            (stale, now - dt.timedelta(days=40)),
        ):
            ledger.record(
                {
                    "run_id": f"hist-{slug}",
                    "dataset": slug,
                    "organismo": "planeacion",
                    "target": "datos.gov.co",
                    "source_kind": "inbox",
                    "outcome": "published",
                    "started_at": when,
                    "finished_at": when,
                    "duration_s": 1.0,
                }
            )
    mini.drop_in_inbox()
    runs = publish_due()
    assert [r.slug for r in runs] == [stale]
