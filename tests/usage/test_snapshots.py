"""One snapshot per portal, asset and Bogotá day — the first — kept append-only by the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import exc, text

from datos_cali.ledger import create_ledger_engine, downgrade, migrate
from datos_cali.usage import UsageStore, office_day
from tests.usage.conftest import reading

REFUSAL = "solo adición"


def test_a_second_collection_the_same_day_keeps_the_first(store):
    first = store.add([reading("2021-03-01", 10, 2, hour=8)])
    again = store.add([reading("2021-03-01", 14, 3, hour=21), reading("2021-03-02", 20, 5)])
    assert [s.kept for s in first + again] == [True, False, True]
    stored = store.snapshots()
    assert [(s.day.isoformat(), s.views, s.downloads) for s in stored] == [
        ("2021-03-01", 10, 2),
        ("2021-03-02", 20, 5),
    ]
    assert stored[0].collected_at == dt.datetime(2021, 3, 1, 13, tzinfo=dt.UTC)


def test_the_day_is_the_office_day_not_the_utc_one(store):
    late_evening = dt.datetime(2022, 1, 1, 3, 30, tzinfo=dt.UTC)  # 22:30 on 31 December in Cali
    assert office_day(late_evening) == dt.date(2021, 12, 31)
    with pytest.raises(ValueError, match="zona horaria"):
        office_day(dt.datetime(2022, 1, 1, 3, 30))


def test_other_assets_and_portals_the_same_day_are_kept(store):
    stored = store.add(
        [
            reading("2021-03-01", 1, 0),
            reading("2021-03-01", 2, 0, asset="zzzz-9999"),
            reading("2021-03-01", 3, 0, portal="ckan@local", target="datos.cali.gov.co"),
        ]
    )
    assert all(s.kept for s in stored) and store.count() == 3
    assert [s.asset_id for s in store.snapshots(dataset="imae")] == [
        "abcd-1234",
        "abcd-1234",
        "zzzz-9999",
    ]


def test_negative_counters_and_naive_times_are_refused(store):
    with pytest.raises(ValueError, match="contador negativo"):
        store.add([reading("2021-03-01", -1, 0)])
    naive = replace(reading("2021-03-01", 1, 0), collected_at=dt.datetime(2021, 3, 1, 12))
    with pytest.raises(ValueError, match="zona horaria"):
        store.add([naive])
    assert store.count() == 0


@pytest.mark.parametrize(
    "statement",
    ["UPDATE usage_snapshots SET views = 0", "DELETE FROM usage_snapshots"],
)
def test_stored_snapshots_cannot_be_changed_or_removed(store, statement):
    store.add([reading("2021-03-01", 10, 2)])
    with store.engine.connect() as connection, pytest.raises(exc.DBAPIError, match=REFUSAL):
        connection.execute(text(statement))
    assert [(s.views, s.downloads) for s in store.snapshots()] == [(10, 2)]


def test_the_migration_goes_down_and_up_again(db_url):
    migrate(db_url)
    downgrade(db_url, "0001")
    engine = create_ledger_engine(db_url)
    try:
        with engine.connect() as connection:
            tables = connection.dialect.get_table_names(connection)
        assert "usage_snapshots" not in tables and "runs" in tables
    finally:
        engine.dispose()
    migrate(db_url)
    engine = create_ledger_engine(db_url)
    try:
        store = UsageStore(engine)
        assert store.add([reading("2021-03-01", 1, 1)])[0].kept
    finally:
        engine.dispose()
