"""One run publishes to every target of the catalog entry; each target gets its own ledger row,
and one target failing does not hide the other's result (no Prefect, the real local portal)."""

from __future__ import annotations

import socket

from pydantic import SecretStr

from datos_cali.pipeline import run_dataset
from datos_cali.portals.credentials import CkanCredentials

BOTH = ("datos.gov.co", "datos.cali.gov.co")
CKAN = "datos.cali.gov.co"


def _by_target(ledger, slug: str, run_id: str) -> dict:
    return {row.target: row for row in ledger.runs(dataset=slug, run_id=run_id)}


def test_a_run_publishes_to_both_portals_and_records_each(mini, session, ledger):
    slug = mini.add("imae-dos-portales", {"kind": "inbox", "pattern": "IMAE*"}, targets=BOTH)
    mini.drop_in_inbox()
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published"
    rows = _by_target(ledger, slug, run.run_id)
    assert set(rows) == set(BOTH)
    assert all(row.outcome == "published" and row.created == 72 for row in rows.values())
    ckan = rows["datos.cali.gov.co"]
    assert ckan.asset_id == slug and ckan.portal_url.endswith(f"/dataset/{slug}")
    assert ckan.portal_request_ids and ckan.requests_count > 0
    assert rows["datos.gov.co"].asset_id != slug  # each portal has its own asset
    served = {e.request_id for e in session.local.request_log()}
    assert set(ckan.portal_request_ids) <= served


def test_ckan_refusing_does_not_hide_socratas_result(mini, session, ledger):
    slug = mini.add("imae-ckan-rechaza", {"kind": "inbox", "pattern": "IMAE*"}, targets=BOTH)
    dropped = mini.drop_in_inbox()
    session.credentials[CKAN] = CkanCredentials(
        url=session.local.url, api_token=SecretStr("token-viejo")
    )
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "failed"
    rows = _by_target(ledger, slug, run.run_id)
    assert rows["datos.gov.co"].outcome == "published" and rows["datos.gov.co"].created == 72
    refused = rows["datos.cali.gov.co"]
    assert refused.outcome == "failed" and "rechazó el token" in refused.error_message
    assert "token-viejo" not in refused.error_message
    assert dropped.exists()  # kept for the next run, since one target failed

    del session.credentials[CKAN]  # the token is fixed: the next run finishes the job
    again = run_dataset(slug, session, ledger)
    rows = _by_target(ledger, slug, again.run_id)
    assert (rows["datos.gov.co"].outcome, rows["datos.cali.gov.co"].outcome) == (
        "unchanged",
        "published",
    )
    assert again.outcome == "published" and not dropped.exists()


def test_ckan_unreachable_is_a_transient_failure_of_that_target_only(
    mini, session, ledger, monkeypatch
):
    monkeypatch.setenv("DATOS_CALI_BACKOFF", "0.001")
    monkeypatch.setenv("DATOS_CALI_RETRIES", "2")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    slug = mini.add("imae-ckan-caido", {"kind": "inbox", "pattern": "IMAE*"}, targets=BOTH)
    mini.drop_in_inbox()
    session.credentials[CKAN] = CkanCredentials(
        url=f"http://127.0.0.1:{closed_port}", api_token=SecretStr("cualquiera")
    )
    run = run_dataset(slug, session, ledger)
    rows = _by_target(ledger, slug, run.run_id)
    assert rows["datos.gov.co"].outcome == "published"
    down = rows["datos.cali.gov.co"]
    assert down.outcome == "failed" and "No se pudo comunicar" in down.error_message
    [result] = [t for t in run.targets if t.target == "datos.cali.gov.co"]
    assert result.transient  # the flow retries this target; Socrata's result stands
