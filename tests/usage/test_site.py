"""The usage page of the report site: figures, accessible charts and tables, files beside it."""

from __future__ import annotations

import datetime as dt

from datos_cali.catalog import load_catalog
from datos_cali.ledger import open_ledger
from datos_cali.reportsite import build_site
from datos_cali.settings import paths
from datos_cali.usage import UsageStore
from datos_cali.usage import site as usage_site
from tests.reportsite.htmlcheck import read
from tests.usage.conftest import reading

NOW = dt.datetime(2022, 2, 3, 15, tzinfo=dt.UTC)
PROVIDERS = (usage_site.pages,)


def _build(out):
    with open_ledger() as ledger:
        return build_site(
            out, ledger=ledger, catalog=load_catalog(paths().catalog), now=NOW, providers=PROVIDERS
        )


def test_the_usage_page_shows_the_figures_with_accessible_charts_and_files(office, tmp_path):
    office.add_to("planeacion", "imae-a")
    with open_ledger() as ledger:
        UsageStore(ledger).add(
            [
                reading("2021-12-30", 20, 4, dataset="imae-a"),
                reading("2022-01-15", 31, 9, dataset="imae-a"),
                reading("2022-01-15", 7, 7, asset="otro-0001", dataset="imae-viejo"),
            ]
        )
    out = tmp_path / "sitio"
    _build(out)

    page = read(out / "uso" / "index.html")
    assert [level for level, _ in page.headings][:2] == [1, 2]
    assert all(b - a <= 1 for (a, _), (b, _) in zip(page.headings, page.headings[1:], strict=False))
    assert "38 visitas y 16 descargas" in page.text
    assert all(t.caption and t.headers_without_scope == 0 for t in page.tables)
    by_dataset = page.table("Visitas y descargas por conjunto de datos")
    assert by_dataset.body_rows == 2
    assert "ene 2022" in page.text  # the monthly chart's data table
    assert [tag for tag, _ in page.tags].count("svg") == 3  # month, year, most visited
    for link in page.links():
        assert not link.startswith(("http://", "https://")), link
        file = link.partition("#")[0]
        assert not file or (out / "uso" / file).resolve().exists(), link
    svg = (out / "uso" / "uso-por-mes.svg").read_text(encoding="utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<title" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    csv = (out / "uso" / "uso.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbfagrupacion,clave,nombre") and b"imae-viejo" in csv
    nav = read(out / "index.html")
    assert "uso/index.html" in nav.links()


def test_without_readings_the_page_says_so(office, tmp_path):
    out = tmp_path / "sitio"
    _build(out)
    page = read(out / "uso" / "index.html")
    assert "Aún no hay datos de uso" in page.text
    assert not (out / "uso" / "uso.csv").exists()
