"""Explicit modes: a local run says it wrote the local portal; a production run without what it
needs stops before writing anything, in Spanish, and never falls back to the local portal."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from datos_cali.ledger import open_ledger
from datos_cali.localportal import LocalPortal
from datos_cali.pipeline import run_dataset
from datos_cali.portals.credentials import CkanCredentials, SocrataCredentials
from datos_cali.portals.session import PortalSession
from datos_cali.runmode import Mode, ModeError, current
from datos_cali.settings import paths

CREDENTIAL_VARIABLES = (
    "SOCRATA_KEY_ID",
    "SOCRATA_KEY_SECRET",
    "SOCRATA_USERNAME",
    "SOCRATA_PASSWORD",
    "CKAN_API_TOKEN",
)


@pytest.fixture
def no_credentials(monkeypatch):
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_the_default_mode_is_local_and_the_ledger_names_the_local_portal(
    mini, session, ledger, monkeypatch
):
    monkeypatch.delenv("DATOS_CALI_MODE", raising=False)
    assert current() == Mode.LOCAL
    slug = mini.add("imae-local", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published"
    [row] = ledger.runs(dataset=slug)
    # The catalog's target, and the instance really written: never readable as datos.gov.co.
    assert (row.target, row.portal) == ("datos.gov.co", "socrata@local")
    assert row.portal_url.startswith("http://127.0.0.1:")


def test_an_unknown_mode_is_refused_in_spanish(monkeypatch):
    monkeypatch.setenv("DATOS_CALI_MODE", "prod")
    with pytest.raises(
        ModeError, match="DATOS_CALI_MODE debe ser «local» o «produccion», no «prod»"
    ):
        current()


@pytest.mark.parametrize("spelling", ["produccion", "producción", "PRODUCCION"])
def test_production_without_credentials_names_every_missing_portal(
    spelling, monkeypatch, no_credentials
):
    monkeypatch.setenv("DATOS_CALI_MODE", spelling)
    with pytest.raises(ModeError) as raised:
        PortalSession.configured(paths().state)
    message = str(raised.value)
    assert message.startswith("No se puede publicar en modo producción")
    assert "credenciales de datos.gov.co: SOCRATA_KEY_ID y SOCRATA_KEY_SECRET" in message
    assert "credenciales de datos.cali.gov.co: CKAN_API_TOKEN" in message
    assert "No se escribió nada en ningún portal." in message
    assert not (paths().state / "portal").exists()  # the embedded portal never started


def test_production_without_a_database_url_refuses_the_sqlite_file(monkeypatch):
    monkeypatch.setenv("DATOS_CALI_MODE", "produccion")
    monkeypatch.delenv("DATOS_CALI_DB_URL", raising=False)
    with pytest.raises(ModeError, match="falta DATOS_CALI_DB_URL"):
        open_ledger()
    assert not (paths().state / "ledger.db").exists()


def test_a_production_session_never_starts_the_local_portal(monkeypatch):
    session = PortalSession(paths().state, {}, Mode.PRODUCTION)
    with pytest.raises(ModeError, match="no se usa el portal local"):
        session.open("datos.gov.co")
    with pytest.raises(ModeError):
        session.local  # noqa: B018
    assert not (paths().state / "portal").exists()


def test_production_with_refused_credentials_fails_and_writes_nothing(mini, monkeypatch, tmp_path):
    """A real portal (the local one, standing in for datos.gov.co over HTTP) refuses the key:
    the run fails with the portal's reason and nothing lands; no fallback to another portal."""
    monkeypatch.setenv("DATOS_CALI_MODE", "produccion")
    monkeypatch.setenv("DATOS_CALI_DB_URL", f"sqlite:///{tmp_path / 'ledger.db'}")
    slug = mini.add("imae-rechazada", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    with LocalPortal(tmp_path / "otro-portal") as real:
        domain = real.domain
        wrong = SocrataCredentials.for_local(real).model_copy(
            update={"key_secret": SecretStr("no-es-la-clave")}
        )
        with PortalSession(paths().state, {"datos.gov.co": wrong}) as session, open_ledger() as led:
            run = run_dataset(slug, session, led)
            writes = [e for e in real.request_log() if e.method != "GET" and e.status < 400]
            [row] = led.runs(dataset=slug)
    assert run.outcome == "failed"
    assert writes == []
    assert (row.outcome, row.portal) == ("failed", f"socrata@{domain}")
    assert "403" in row.error_message or "credenciales" in row.error_message.lower(), (
        row.error_message
    )
    assert not (paths().state / "portal").exists()  # no local portal behind its back


def test_production_with_one_portal_refused_writes_neither(mini, monkeypatch, tmp_path):
    """datos.gov.co accepts the key, datos.cali.gov.co refuses its token: asked before the
    first write, so the accepted portal is not written either."""
    monkeypatch.setenv("DATOS_CALI_MODE", "produccion")
    monkeypatch.setenv("DATOS_CALI_DB_URL", f"sqlite:///{tmp_path / 'ledger.db'}")
    slug = mini.add(
        "imae-uno-rechaza",
        {"kind": "inbox", "pattern": "IMAE*"},
        targets=("datos.gov.co", "datos.cali.gov.co"),
    )
    mini.drop_in_inbox()
    with LocalPortal(tmp_path / "real") as real:
        domain = real.domain
        accepted = SocrataCredentials.for_local(real)
        refused = CkanCredentials(url=real.url, api_token=SecretStr("vencido"))
        credentials = {"datos.gov.co": accepted, "datos.cali.gov.co": refused}
        with PortalSession(paths().state, credentials) as session, open_ledger() as led:
            run = run_dataset(slug, session, led)
            writes = [e for e in real.request_log() if e.method != "GET" and e.status < 400]
            rows = {row.target: row for row in led.runs(dataset=slug)}
    assert run.outcome == "failed"
    # CKAN's reads go by POST too: only its write actions count as writes.
    assert [e.path for e in writes if not e.path.startswith("/api/3/action/")] == []
    assert {e.path.rsplit("/", 1)[-1] for e in writes} <= {
        "organization_list_for_user",
        "organization_show",
        "config_option_list",
    }
    assert rows["datos.gov.co"].outcome == rows["datos.cali.gov.co"].outcome == "failed"
    assert rows["datos.gov.co"].portal == f"socrata@{domain}"
    assert "no permite escribir" in rows["datos.gov.co"].error_message
    assert "token de API" in rows["datos.cali.gov.co"].error_message
