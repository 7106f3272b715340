"""A recorded run is history: the database itself refuses to change or remove it."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, select, text
from sqlalchemy.orm import Session

from datos_cali.ledger import Ledger, RunRecord, open_ledger
from tests.ledger.sample import a_run

REFUSAL = "solo adición"


def _snapshot(ledger: Ledger) -> list[tuple]:
    with ledger.engine.connect() as connection:
        return connection.execute(text("SELECT id, outcome, rows FROM runs ORDER BY id")).all()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE runs SET outcome = 'failed'",
        "UPDATE runs SET rows = rows + 1 WHERE id = 1",
        "DELETE FROM runs",
        "DELETE FROM runs WHERE id = 1",
    ],
)
def test_raw_update_and_delete_are_refused(ledger, statement):
    ledger.record(a_run())
    ledger.record(a_run(outcome="failed", target="datos.cali.gov.co"))
    before = _snapshot(ledger)

    with ledger.engine.connect() as connection, pytest.raises(exc.DBAPIError, match=REFUSAL):
        connection.execute(text(statement))

    assert _snapshot(ledger) == before


@pytest.mark.postgres
def test_truncate_is_refused_on_postgres(fresh_postgres_url):
    """Row triggers do not fire on TRUNCATE; a statement trigger guards it (SQLite has none)."""
    with open_ledger(fresh_postgres_url) as ledger:
        ledger.record(a_run())
        with ledger.engine.connect() as connection, pytest.raises(exc.DBAPIError, match=REFUSAL):
            connection.execute(text("TRUNCATE runs"))
        assert ledger.count() == 1


def test_changing_a_loaded_record_through_the_orm_is_refused(ledger):
    ledger.record(a_run())
    with Session(ledger.engine) as session:
        run = session.scalars(select(RunRecord)).one()
        run.outcome = "failed"
        with pytest.raises(exc.DBAPIError, match=REFUSAL):
            session.commit()
    assert ledger.latest("contratos-secop").outcome == "published"


def test_the_api_offers_no_way_to_change_history(ledger):
    public = {name for name in dir(Ledger) if not name.startswith("_")}
    assert not {name for name in public if name.startswith(("update", "delete", "remove"))}
    run = RunRecord(**a_run())
    ledger.record(run)
    with pytest.raises(ValueError, match="no admite cambios"):
        ledger.record(run)  # re-recording a stored row would turn into an UPDATE
    assert ledger.count() == 1
