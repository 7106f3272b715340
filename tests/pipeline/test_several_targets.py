"""One run publishes to every target of the catalog entry; each target gets its own ledger row,
and one target failing does not hide the other's result (no Prefect, the real local portal)."""

from __future__ import annotations

import socket

from pydantic import SecretStr

from datos_cali.pipeline import run_dataset
from datos_cali.portals.ckan import WRITE_ACTIONS
from datos_cali.portals.credentials import CkanCredentials
from tests.pipeline.conftest import IMAE

BOTH = ("datos.gov.co", "datos.cali.gov.co")
CKAN_WRITES = WRITE_ACTIONS
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


def _successful_writes(session) -> list:
    return [e for e in session.local.request_log() if _is_write(e) and e.status < 400]


def _is_write(entry) -> bool:
    action = entry.path.rsplit("/", 1)[-1]
    if entry.path.startswith(("/api/3/action/", "/api/action/")):
        return action in CKAN_WRITES
    return entry.method != "GET"


def test_one_portal_refusing_leaves_the_other_unwritten_too(mini, session, ledger):
    """Asked before the first write: CKAN refuses the token, so datos.gov.co is not written
    either — never published on one portal and not on the other."""
    slug = mini.add("imae-ckan-rechaza", {"kind": "inbox", "pattern": "IMAE*"}, targets=BOTH)
    dropped = mini.drop_in_inbox()
    session.credentials[CKAN] = CkanCredentials(
        url=session.local.url, api_token=SecretStr("token-viejo")
    )
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "failed"
    assert _successful_writes(session) == []
    rows = _by_target(ledger, slug, run.run_id)
    refused = rows["datos.cali.gov.co"]
    assert refused.outcome == "failed" and "token de API" in refused.error_message
    assert "«planeacion» no existe" in refused.error_message  # the run would have created it
    assert "token-viejo" not in refused.error_message
    withheld = rows["datos.gov.co"]
    assert withheld.outcome == "failed" and withheld.created == 0
    assert "porque datos.cali.gov.co no permite escribir" in withheld.error_message
    assert dropped.exists()  # kept for the next run

    del session.credentials[CKAN]  # the token is fixed: the next run publishes on both
    again = run_dataset(slug, session, ledger)
    rows = _by_target(ledger, slug, again.run_id)
    assert {t: r.outcome for t, r in rows.items()} == dict.fromkeys(BOTH, "published")
    assert again.outcome == "published" and not dropped.exists()


def test_a_refusal_on_an_existing_dataset_stops_the_change_on_both(mini, session, ledger):
    """Once published on both, a token that may no longer update the organization's datasets
    stops the next change before Socrata receives it."""
    slug = mini.add("imae-cambio-rechazado", {"kind": "inbox", "pattern": "IMAE*"}, targets=BOTH)
    good = CkanCredentials(
        url=session.local.url, api_token=SecretStr(session.local.credentials.ckan_token)
    )
    session.credentials[CKAN] = good  # the same portal instance in both runs
    first = mini.drop_in_inbox()
    assert run_dataset(slug, session, ledger).outcome == "published"
    assert not first.exists()
    mini.drop_in_inbox(data=IMAE.read_bytes() + b"2022;enero;106,00;3,10\r\n")  # a month more
    written_before = len(_successful_writes(session))
    session.credentials[CKAN] = good.model_copy(update={"api_token": SecretStr("token-de-otro")})
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "failed"
    assert len(_successful_writes(session)) == written_before
    rows = _by_target(ledger, slug, run.run_id)
    assert "actualizar conjuntos en la organización «planeacion»" in (
        rows["datos.cali.gov.co"].error_message
    )
    assert rows["datos.gov.co"].outcome == "failed"


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
