"""The ventanilla's tables and the widened outcomes, on SQLite and PostgreSQL (migration 0006)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from datos_cali.ledger import create_ledger_engine, migrate, open_ledger
from datos_cali.ventanilla import accounts
from datos_cali.ventanilla.store import Store
from tests.ledger.sample import a_run

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def test_0006_keeps_existing_runs_and_their_guard_and_accepts_the_new_outcomes(db_url):
    migrate(db_url, "0002")
    with create_ledger_engine(db_url).begin() as connection:  # a run recorded before 0006
        connection.execute(
            text(
                "INSERT INTO runs (run_id, dataset, organismo, target, source_kind, outcome, "
                "findings_count, errors_count, warnings_count, findings, quality_scores, created, "
                "updated, deleted, bytes_sent, requests_count, portal_request_ids, started_at, "
                "finished_at, duration_s, timings) VALUES ('r1', 'd', 'o', 'none', 'inbox', "
                "'unchanged', 0, 0, 0, '[]', '{}', 0, 0, 0, 0, 0, '[]', :at, :at, 0, '{}')"
            ),
            {"at": NOW if "postgresql" in db_url else NOW.replace(tzinfo=None)},
        )
    with open_ledger(db_url) as ledger:
        assert [r.outcome for r in ledger.runs()] == ["unchanged"]
        for outcome in ("no_new_file", "unrecognised"):
            ledger.record(a_run(outcome=outcome, run_id=outcome))
        assert {r.outcome for r in ledger.runs()} == {"unchanged", "no_new_file", "unrecognised"}
        with pytest.raises((IntegrityError, DBAPIError)), ledger.engine.begin() as connection:
            connection.execute(text("UPDATE runs SET outcome = 'published'"))  # still append-only
        with pytest.raises((IntegrityError, DBAPIError)), ledger.engine.begin() as connection:
            connection.execute(  # an outcome the CHECK does not know
                text(
                    "INSERT INTO runs (run_id, dataset, organismo, target, source_kind, outcome, "
                    "findings_count, errors_count, warnings_count, findings, quality_scores, "
                    "created, updated, deleted, bytes_sent, requests_count, portal_request_ids, "
                    "started_at, finished_at, duration_s, timings) VALUES ('r2', 'd', 'o', "
                    "'none', 'inbox', 'otro', 0, 0, 0, '[]', '{}', 0, 0, 0, 0, 0, '[]', :at, "
                    ":at, 0, '{}')"
                ),
                {"at": NOW if "postgresql" in db_url else NOW.replace(tzinfo=None)},
            )


def test_accounts_sessions_notices_and_the_audit_log(ledger):
    store = Store(ledger.engine)
    user = store.add_user(
        email=" Ana@Salud.gov.co ", name="Ana", role="organismo", organismo="salud"
    )
    assert store.user_by_email("ANA@salud.gov.co").id == user.id
    with pytest.raises(IntegrityError):
        store.add_user(email="ana@salud.gov.co", name="Otra", role="auditor", organismo=None)
    with pytest.raises(IntegrityError):  # an organismo user needs an organismo
        store.add_user(email="x@salud.gov.co", name="X", role="organismo", organismo=None)

    accounts.set_password(store, store.user(user.id), "una frase bastante larga")
    assert store.user(user.id).password_hash.startswith("$argon2id$")
    store.add_session(user.id, "a" * 64, "csrf", dt.timedelta(hours=1))
    assert store.session("a" * 64)[1].email == "ana@salud.gov.co"
    store.set_active(user.id, False)  # deactivating ends every session
    assert store.session("a" * 64) is None

    token = accounts.new_link(store, store.user(user.id), "restablecer")
    digest = accounts.token_hash(token)
    assert store.valid_link(digest) is not None
    assert store.use_link(digest) and not store.use_link(digest)  # once only

    first = store.claim_notice(key="k", kind="recibo", recipients=["a@b.co"], subject="s", body="b")
    assert first is not None
    assert store.claim_notice(key="k", kind="recibo", recipients=[], subject="s", body="b") is None
    store.settle_notice(first.id, "enviado")
    assert store.notices()[0].status == "enviado"

    for _ in range(3):
        store.audit("acceso_fallido", actor="ana@salud.gov.co", ip="10.0.0.1")
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    assert store.count_actions("acceso_fallido", since, actor="ANA@salud.gov.co") == 3
    assert store.count_actions("acceso_fallido", since, ip="10.0.0.1") == 3
    with pytest.raises((IntegrityError, DBAPIError)), ledger.engine.begin() as connection:
        connection.execute(text("DELETE FROM ventanilla_audit"))  # the audit log is append-only


def test_sign_in_is_locked_after_five_failures_whatever_the_password(ledger):
    store = Store(ledger.engine)
    user = store.add_user(email="ana@salud.gov.co", name="Ana", role="organismo", organismo="salud")
    accounts.set_password(store, user, "una frase bastante larga")
    assert accounts.sign_in(store, "ana@salud.gov.co", "una frase bastante larga", "1.2.3.4").user
    for _ in range(accounts.MAX_FAILURES_PER_EMAIL):
        result = accounts.sign_in(store, "ana@salud.gov.co", "no es esta", "1.2.3.4")
        assert result.user is None and not result.locked
    locked = accounts.sign_in(store, "ana@salud.gov.co", "una frase bastante larga", "1.2.3.4")
    assert locked.user is None and locked.locked
    unknown = accounts.sign_in(store, "nadie@salud.gov.co", "x", "1.2.3.4")
    assert unknown.user is None and not unknown.locked
