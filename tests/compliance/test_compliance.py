"""Compliance on a small catalog with known answers: the plan's indicator (published, on time),
datasets behind their frequency, new versus updated — each year taken as of its close."""

from __future__ import annotations

import datetime as dt

import pytest

from datos_cali.catalog import load_catalog
from datos_cali.compliance import (
    Status,
    compliance_from_ledger,
    default_year,
    load_history,
)
from datos_cali.compliance.history import last_successes
from datos_cali.ledger import open_ledger
from datos_cali.settings import paths
from tests.cli.conftest import cli  # noqa: F401  (the CLI runner fixture)
from tests.compliance.conftest import utc

LATER = utc("2025-06-01T12:00")


def _report(year: int, now: dt.datetime = LATER):
    with open_ledger() as ledger:
        return compliance_from_ledger(ledger, load_catalog(paths().catalog), year, now)


def _by_slug(report):
    return {o.slug: o for o in report.organismos}


def test_the_plan_indicator_of_a_closed_year(planned):
    report = _report(2021)
    alfa, beta = _by_slug(report)["alfa"], _by_slug(report)["beta"]
    assert report.cut_day == dt.date(2021, 12, 31)
    assert [(c.dataset, c.status, c.first_published) for c in alfa.commitments] == [
        ("d-uno", Status.ON_TIME, dt.date(2021, 3, 31)),  # 22:00 in Cali, before midnight
        ("d-dos", Status.LATE, dt.date(2021, 8, 1)),
        ("d-tres", Status.OVERDUE, None),  # rejected and failed runs are not publications
    ]
    # published in January 2022: after the close of 2021, and due on its last day
    assert [(c.dataset, c.status) for c in beta.commitments] == [("d-cinco", Status.OVERDUE)]
    assert (alfa.committed, alfa.published, alfa.on_time) == (3, 2, 1)
    assert alfa.share_published == pytest.approx(2 / 3)
    assert (beta.share_published, beta.share_on_time) == (0, 0)
    total = report.overall
    assert (total.committed, total.published, total.on_time) == (4, 2, 1)
    assert (total.share_published, total.share_on_time) == (0.5, 0.25)


def test_currency_and_new_versus_updated_at_the_close(planned):
    report = _report(2021)
    alfa, beta = _by_slug(report)["alfa"], _by_slug(report)["beta"]
    [stale] = alfa.stale  # monthly, last published 20 November
    assert (stale.dataset, stale.frequency, stale.days_late) == ("d-uno", "mensual", 10)
    assert alfa.current == ["d-dos"] and alfa.never_published == ["d-cuatro", "d-tres"]
    assert beta.current == ["d-seis"] and beta.never_published == ["d-cinco"]
    assert (alfa.new, alfa.updated) == (["d-dos", "d-uno"], [])
    assert (beta.new, beta.updated) == ([], ["d-seis"])  # first published in 2020
    assert (len(report.overall.new), len(report.overall.updated)) == (2, 1)


def test_the_current_year_is_taken_as_of_now(planned):
    now = utc("2022-03-01T12:00")
    report = _report(2022, now)
    alfa, beta = _by_slug(report)["alfa"], _by_slug(report)["beta"]
    assert report.as_of == now and report.cut_day == dt.date(2022, 3, 1)
    assert [(c.dataset, c.status) for c in alfa.commitments] == [("d-cuatro", Status.PENDING)]
    assert beta.committed == 0 and beta.share_published is None
    assert (beta.new, alfa.new, alfa.updated) == (["d-cinco"], [], [])
    assert [(s.dataset, s.days_late) for s in alfa.stale] == [("d-uno", 69)]
    assert beta.current == ["d-cinco", "d-seis"]


def test_the_default_year_is_this_one_or_the_last_planned(planned):
    catalog = load_catalog(paths().catalog)
    assert default_year(catalog, utc("2022-07-01T12:00")) == 2022
    assert default_year(catalog, utc("2025-07-01T12:00")) == 2022
    assert default_year(catalog, utc("2021-01-01T12:00")) == 2021


def test_the_history_holds_only_runs_that_reached_a_portal(planned):
    with open_ledger() as ledger:
        history = load_history(ledger)
    assert {p.outcome for p in history} == {"published", "unchanged"}
    assert "d-tres" not in {p.dataset for p in history}
    assert [p.at for p in history] == sorted(p.at for p in history)


def test_the_sweep_reads_the_last_success_by_the_same_rule(planned):
    """`last_successes` over the whole ledger (what the publish sweep calls due from):
    published or unchanged on a portal, the latest finish on any portal."""
    with open_ledger() as ledger:
        assert last_successes(load_history(ledger)) == {
            "d-seis": utc("2021-03-01T15:00"),  # unchanged counts: the portal was checked
            "d-uno": utc("2021-11-20T15:05"),  # the later of its two portals
            "d-dos": utc("2021-08-01T15:00"),
            "d-cinco": utc("2022-01-10T15:00"),
        }  # d-tres: rejected before any portal, then failed on one — never a success


def test_the_command_prints_the_known_answers(planned, cli):  # noqa: F811
    code, data = cli.json("compliance", "report", "--year", "2021")
    assert code == 0 and data["year"] == 2021 and data["cut_day"] == "2021-12-31"
    assert data["overall"]["share_published"] == 0.5 and data["overall"]["on_time"] == 1
    assert {o["organismo"]: o["published"] for o in data["organismos"]} == {"alfa": 2, "beta": 0}
    human = cli("compliance", "report", "--year", "2021")
    assert human.exit_code == 0
    assert "conjuntos comprometidos publicados: 2 de 4 (50,0 %)" in human.stdout
    assert "Conjunto d-tres" in human.stdout and "2021-12-15" in human.stdout
    assert "Conjuntos desactualizados" in human.stdout
