"""Recording runs and asking the questions the flows, the report site and usage will ask."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from datos_cali.ledger import OutcomeCount, RunRecord, new_run_id, open_ledger
from datos_cali.outcomes import NO_TARGET, Outcome
from tests.ledger.sample import STARTED, a_run

BOGOTA = ZoneInfo("America/Bogota")


def _at(hours: float) -> datetime:
    return STARTED + timedelta(hours=hours)


def test_a_recorded_run_reads_back_field_by_field(ledger):
    given = a_run(started_at=datetime(2021, 3, 15, 9, 0, tzinfo=BOGOTA))
    run_id = ledger.record(given)

    stored = ledger.latest("contratos-secop", "datos.gov.co")
    assert stored.id == run_id
    for field, value in given.items():
        assert getattr(stored, field) == value, field
    assert stored.started_at.tzinfo == UTC
    assert stored.started_at == datetime(2021, 3, 15, 14, 0, tzinfo=UTC)
    assert stored.duration_s == 42.5
    assert stored.findings[0]["message"] == "Menos de 50 filas en «Año»"


def test_minimal_rows_get_defaults(ledger):
    ledger.record(
        {
            "dataset": "barrios",
            "organismo": "planeacion",
            "source_kind": "url",
            "outcome": Outcome.REJECTED,
            "started_at": _at(0),
            "finished_at": _at(0.5),
        }
    )
    stored = ledger.latest("barrios")
    assert stored.target == NO_TARGET
    assert stored.outcome == "rejected"
    assert len(stored.run_id) == 36
    assert stored.duration_s == 1800
    assert (stored.created, stored.bytes_sent, stored.findings, stored.timings) == (0, 0, [], {})
    assert stored.source_sha256 is None


def test_one_run_to_two_portals_is_two_rows_sharing_the_run_id(ledger):
    run_id = new_run_id()
    ledger.record(a_run(run_id=run_id, target="datos.gov.co"))
    ledger.record(RunRecord(**a_run(run_id=run_id, target="datos.cali.gov.co", asset_id="barrios")))
    ledger.record(a_run(run_id=new_run_id()))

    rows = ledger.runs(run_id=run_id)
    assert sorted(r.target for r in rows) == ["datos.cali.gov.co", "datos.gov.co"]
    assert ledger.count() == 3


def test_runs_are_newest_first_and_filter(ledger):
    ledger.record(a_run(started_at=_at(0), outcome="published"))
    ledger.record(a_run(started_at=_at(48), outcome="unchanged"))
    ledger.record(a_run(started_at=_at(24), outcome="failed", target="datos.cali.gov.co"))
    ledger.record(a_run(started_at=_at(12), dataset="barrios", outcome="rejected"))

    assert [r.started_at for r in ledger.runs(dataset="contratos-secop")] == [
        _at(48),
        _at(24),
        _at(0),
    ]
    assert [r.outcome for r in ledger.runs(target="datos.gov.co")] == [
        "unchanged",
        "rejected",
        "published",
    ]
    assert [r.dataset for r in ledger.runs(outcome="rejected")] == ["barrios"]
    assert [r.started_at for r in ledger.runs(since=_at(12))] == [_at(48), _at(24), _at(12)]
    assert [r.started_at for r in ledger.runs(limit=2)] == [_at(48), _at(24)]
    assert ledger.runs(dataset="inexistente") == []


def test_latest_and_last_published(ledger):
    assert ledger.latest("contratos-secop") is None
    ledger.record(a_run(started_at=_at(0), outcome="published", rows=10))
    ledger.record(a_run(started_at=_at(1), outcome="published", rows=20))
    ledger.record(a_run(started_at=_at(2), outcome="failed", rows=None))
    ledger.record(a_run(started_at=_at(3), outcome="rejected", target="datos.cali.gov.co"))

    assert ledger.latest("contratos-secop").outcome == "rejected"
    assert ledger.latest("contratos-secop", "datos.gov.co").outcome == "failed"
    assert ledger.last_published("contratos-secop", "datos.gov.co").rows == 20
    assert ledger.last_published("contratos-secop", "datos.cali.gov.co") is None


def test_same_start_time_is_ordered_by_insertion(ledger):
    first = ledger.record(a_run(outcome="failed"))
    second = ledger.record(a_run(outcome="published"))
    assert [r.id for r in ledger.runs()] == [second, first]
    assert ledger.latest("contratos-secop").id == second


def test_latest_outcome_per_dataset_and_target(ledger):
    ledger.record(a_run(started_at=_at(0), outcome="published"))
    ledger.record(a_run(started_at=_at(5), outcome="unchanged"))
    ledger.record(a_run(started_at=_at(9), outcome="failed", target="datos.cali.gov.co"))
    ledger.record(a_run(started_at=_at(1), outcome="published", target="datos.cali.gov.co"))
    ledger.record(a_run(started_at=_at(2), dataset="barrios", outcome="rejected", target="none"))

    latest = [(r.dataset, r.target, r.outcome) for r in ledger.latest_per_target()]
    assert latest == [
        ("barrios", "none", "rejected"),
        ("contratos-secop", "datos.cali.gov.co", "failed"),
        ("contratos-secop", "datos.gov.co", "unchanged"),
    ]


def test_outcome_counts_per_period_in_bogota_time(ledger):
    new_year_utc = datetime(2021, 1, 1, 3, 0, tzinfo=UTC)  # still 31 Dec 2020 in Cali
    ledger.record(a_run(started_at=new_year_utc, outcome="published"))
    ledger.record(a_run(started_at=new_year_utc + timedelta(hours=6), outcome="published"))
    ledger.record(a_run(started_at=new_year_utc + timedelta(hours=7), outcome="rejected"))
    ledger.record(a_run(started_at=datetime(2021, 2, 10, tzinfo=UTC), outcome="failed"))

    assert ledger.outcome_counts("month") == [
        OutcomeCount("2020-12", "published", 1),
        OutcomeCount("2021-01", "published", 1),
        OutcomeCount("2021-01", "rejected", 1),
        OutcomeCount("2021-02", "failed", 1),
    ]
    assert ledger.outcome_counts("year") == [
        OutcomeCount("2020", "published", 1),
        OutcomeCount("2021", "failed", 1),
        OutcomeCount("2021", "published", 1),
        OutcomeCount("2021", "rejected", 1),
    ]
    january = ledger.outcome_counts(
        "day", since=datetime(2021, 1, 1, 5, tzinfo=UTC), until=datetime(2021, 2, 1, tzinfo=UTC)
    )
    assert january == [
        OutcomeCount("2021-01-01", "published", 1),
        OutcomeCount("2021-01-01", "rejected", 1),
    ]
    assert ledger.outcome_counts("month", timezone="UTC")[0] == OutcomeCount(
        "2021-01", "published", 2
    )
    assert ledger.outcome_counts("week", dataset="otro") == []
    with pytest.raises(ValueError, match="Periodo"):
        ledger.outcome_counts("quarter")


def test_big_files_and_nan_scores_are_kept(ledger):
    ledger.record(a_run(source_bytes=7 * 2**30, quality_scores={"actualidad": float("nan")}))
    stored = ledger.latest("contratos-secop")
    assert stored.source_bytes == 7 * 2**30
    assert stored.quality_scores == {"actualidad": None}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"outcome": "publicado"}, "Resultado «publicado» desconocido"),
        ({"started_at": datetime(2021, 3, 15, 9)}, "zona horaria"),
        ({"source_sha256": "ABC"}, "SHA-256"),
        ({"finished_at": STARTED - timedelta(seconds=1)}, "antes de empezar"),
        ({"created": -1}, "no puede ser negativo"),
        ({"dataset": ""}, "Falta «dataset»"),
        ({"timings": ["pull", 1.0]}, "«timings» debe ser dict"),
        ({"findings": [{"when": object()}]}, "«findings» debe ser list"),
        ({"estado": "x"}, "Campos desconocidos"),
        ({"id": 7}, "Campos desconocidos"),
    ],
)
def test_untrustworthy_rows_are_refused_and_nothing_is_written(ledger, overrides, message):
    with pytest.raises(ValueError, match=message):
        ledger.record(a_run(**overrides))
    assert ledger.count() == 0


def test_naive_since_is_refused(ledger):
    with pytest.raises(Exception, match="zona horaria"):
        ledger.runs(since=datetime(2021, 1, 1))


@pytest.mark.postgres
def test_instants_survive_a_postgres_session_in_bogota_time(fresh_postgres_url):
    """psycopg returns timestamptz in the session's zone; the ledger still hands back UTC."""
    bogota_session = fresh_postgres_url + "?options=-c%20timezone%3DAmerica/Bogota"
    with open_ledger(bogota_session) as ledger:
        with ledger.engine.connect() as connection:
            zone = connection.exec_driver_sql("SHOW timezone").scalar_one()
        assert zone == "America/Bogota"
        ledger.record(a_run(started_at=datetime(2021, 1, 1, 3, 0, tzinfo=UTC)))
        stored = ledger.latest("contratos-secop")
        assert stored.started_at == datetime(2021, 1, 1, 3, 0, tzinfo=UTC)
        assert stored.started_at.tzinfo == UTC
        assert [r.id for r in ledger.runs(since=datetime(2021, 1, 1, 3, 0, tzinfo=UTC))] == [
            stored.id
        ]
        assert ledger.outcome_counts("month") == [OutcomeCount("2020-12", "published", 1)]
