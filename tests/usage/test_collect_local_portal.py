"""End to end over HTTP: datasets published to the local portal with the real pipeline, visited
and exported on known days, collected each day; the report reproduces the exact totals."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import requests

from datos_cali.catalog import load_catalog
from datos_cali.ledger import open_ledger
from datos_cali.pipeline import run_dataset
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths
from datos_cali.usage import CollectionFailed, UsageStore, collect, usage_report
from tests.cli.conftest import cli  # noqa: F401  (the CLI runner fixture)
from tests.usage.conftest import BOGOTA


def at(day: str, hour: int) -> dt.datetime:
    """`hour` o'clock in Cali on `day` (21:00 there is already the next day in UTC)."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=BOGOTA).astimezone(dt.UTC)


class Visitors:
    """People using the local portal the way it counts them: pages are visits, exports downloads."""

    def __init__(self, session: PortalSession, assets: dict[str, str]):
        self.url, self.assets = session.local.url, assets

    def use(self, slug: str, views: int, downloads: int = 0) -> None:
        asset = self.assets[slug]
        for _ in range(views):
            assert requests.get(f"{self.url}/d/{asset}", timeout=10).status_code == 200
        for _ in range(downloads):
            export = requests.get(f"{self.url}/api/views/{asset}/rows.csv", timeout=10)
            assert export.status_code == 200 and export.text.count("\n") == 73


@pytest.fixture
def published(office):
    """Three datasets of two organismos published to the local portal (Socrata API)."""
    slugs = [
        office.add_to("planeacion", "imae-norte"),
        office.add_to("planeacion", "imae-sur"),
        office.add_to("salud", "imae-salud"),
    ]
    catalog = load_catalog(paths().catalog)
    with PortalSession(paths().state) as session, open_ledger() as ledger:
        assets = {}
        for slug in slugs:
            run = run_dataset(slug, session, ledger, catalog=catalog)
            assert run.outcome == "published", run.message
            assets[slug] = run.targets[0].asset_id
        yield catalog, session, ledger, Visitors(session, assets)


def test_the_report_reproduces_the_usage_the_portal_counted(published, cli):  # noqa: F811
    catalog, session, ledger, visitors = published

    def collect_at(moment: dt.datetime):
        return collect(session, ledger, catalog, moment)

    visitors.use("imae-norte", 3, 1)
    visitors.use("imae-sur", 1)
    visitors.use("imae-salud", 2, 2)
    first = collect_at(at("2021-12-30", 21))
    assert {(s.dataset, s.views, s.downloads, s.kept) for s in first} == {
        ("imae-norte", 3, 1, True),
        ("imae-sur", 1, 0, True),
        ("imae-salud", 2, 2, True),
    }
    assert {s.day for s in first} == {dt.date(2021, 12, 30)}

    visitors.use("imae-norte", 2, 2)
    visitors.use("imae-salud", 1)
    collect_at(at("2021-12-31", 9))
    visitors.use("imae-norte", 4, 1)  # after the day's reading: counts on the next one
    again = collect_at(at("2021-12-31", 21))
    assert not any(s.kept for s in again)

    visitors.use("imae-sur", 5, 1)  # 1 January: nobody collects that day
    visitors.use("imae-salud", 3, 1)
    collect_at(at("2022-01-02", 21))
    visitors.use("imae-norte", 1, 1)
    collect_at(at("2022-02-01", 21))

    assert UsageStore(ledger).count() == 12
    report = usage_report(ledger, catalog)
    assert _totals(report.by_dataset) == {
        "imae-norte": (10, 5),
        "imae-sur": (6, 1),
        "imae-salud": (6, 3),
    }
    assert _totals(report.by_organismo) == {"planeacion": (16, 6), "salud": (6, 3)}
    assert _totals(report.by_month) == {"2021-12": (9, 5), "2022-01": (12, 3), "2022-02": (1, 1)}
    assert _totals(report.by_year) == {"2021": (9, 5), "2022": (13, 4)}
    assert _totals(report.by_portal) == {"datos.gov.co": (22, 9)}
    assert (report.total.views, report.total.downloads) == (22, 9)
    assert report.total.downloads_per_visit == pytest.approx(9 / 22)
    assert [line.key for line in report.top("views")] == ["imae-norte", "imae-salud", "imae-sur"]
    assert [line.key for line in report.top("downloads")] == [
        "imae-norte",
        "imae-salud",
        "imae-sur",
    ]
    assert report.by_dataset[0].label == "IMAE de prueba imae-norte"

    only_2022 = usage_report(ledger, catalog, year=2022)
    assert _totals(only_2022.by_dataset) == {
        "imae-norte": (5, 2),
        "imae-sur": (5, 1),
        "imae-salud": (3, 1),
    }
    assert _totals(only_2022.by_month) == {"2022-01": (12, 3), "2022-02": (1, 1)}

    code, printed = cli.json("usage", "report", "--year", "2021")
    assert code == 0 and printed["total"]["views"] == 9 and printed["total"]["downloads"] == 5
    assert {o["key"]: o["views"] for o in printed["by_organismo"]} == {"planeacion": 6, "salud": 3}
    as_csv = cli("usage", "report", "--csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    months = {
        r["clave"]: (int(r["visitas"]), int(r["descargas"]))
        for r in rows
        if r["agrupacion"] == "mes"
    }
    assert as_csv.exit_code == 0 and months == {
        "2021-12": (9, 5),
        "2022-01": (12, 3),
        "2022-02": (1, 1),
    }
    human = cli("usage", "report")
    assert "Visitas: 22 · Descargas: 9" in human.stdout and "diciembre de 2021" in human.stdout


def test_an_asset_the_portal_does_not_have_is_reported_and_the_rest_stored(office):
    office.add_to("planeacion", "imae-bueno")
    office.add_to(
        "salud",
        "imae-borrado",
        targets=[{"portal": "datos.gov.co", "asset_id": "zzzz-9999"}],
    )
    catalog = load_catalog(paths().catalog)
    with PortalSession(paths().state) as session, open_ledger() as ledger:
        assert run_dataset("imae-bueno", session, ledger, catalog=catalog).outcome == "published"
        with pytest.raises(CollectionFailed) as failed:
            collect(session, ledger, catalog, at("2021-06-01", 21))
        assert [s.dataset for s in failed.value.snapshots] == ["imae-bueno"]
        [failure] = failed.value.failures
        assert failure.dataset == "imae-borrado" and not failure.transient
        assert "imae-borrado" in failure.message and "zzzz-9999" in failure.message
        assert [s.dataset for s in UsageStore(ledger).snapshots()] == ["imae-bueno"]


def test_the_collect_command_reads_once_a_day(office, cli):  # noqa: F811
    office.add_to("salud", "imae-comando")
    with PortalSession(paths().state) as session, open_ledger() as ledger:
        run = run_dataset("imae-comando", session, ledger, catalog=load_catalog(paths().catalog))
        Visitors(session, {"imae-comando": run.targets[0].asset_id}).use("imae-comando", 2, 1)
    first = cli("usage", "collect")
    assert first.exit_code == 0, first.stdout
    assert "imae-comando" in first.stdout and "guardada" in first.stdout
    second = cli("usage", "collect")
    assert second.exit_code == 0 and "ya había una hoy" in second.stdout
    with open_ledger() as ledger:
        [snapshot] = UsageStore(ledger).snapshots()
    assert (snapshot.views, snapshot.downloads) == (2, 1)


def _totals(lines) -> dict[str, tuple[int, int]]:
    return {line.key: (line.views, line.downloads) for line in lines}
