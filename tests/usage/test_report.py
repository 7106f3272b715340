"""The report's shape: month gaps shown as zeros, ratios, the top lists, CSV and JSON forms."""

from __future__ import annotations

import json

from datos_cali.catalog import load_catalog
from datos_cali.spanish import decimal, number, percent
from datos_cali.usage import build_usage_report, daily_usage
from tests.usage.conftest import ROOT, reading


def _report(year=None):
    deltas = daily_usage(
        [
            reading(
                "2021-01-10",
                10,
                0,
                asset="aaaa-0001",
                dataset="vacunacion-covid19",
                organismo="salud",
            ),
            reading(
                "2021-04-02",
                30,
                6,
                asset="aaaa-0001",
                dataset="vacunacion-covid19",
                organismo="salud",
            ),
            reading(
                "2021-04-02",
                0,
                0,
                asset="bbbb-0002",
                dataset="areas-cesion",
                organismo="planeacion",
            ),
            reading(
                "2022-01-05",
                0,
                3,
                asset="bbbb-0002",
                dataset="areas-cesion",
                organismo="planeacion",
            ),
        ]
    )
    return build_usage_report(deltas, load_catalog(ROOT / "datasets"), year)


def test_months_without_usage_appear_with_zeros_and_spanish_names():
    report = _report(year=2021)
    assert [(m.key, m.label, m.views) for m in report.by_month] == [
        ("2021-01", "enero de 2021", 10),
        ("2021-02", "febrero de 2021", 0),
        ("2021-03", "marzo de 2021", 0),
        ("2021-04", "abril de 2021", 20),
    ]
    assert (report.first_day.isoformat(), report.last_day.isoformat()) == (
        "2021-01-10",
        "2021-04-02",
    )


def test_labels_come_from_the_catalog_and_ratios_are_undefined_without_visits():
    report = _report()
    vacunas, cesion = report.by_dataset
    assert vacunas.label == "Vacunación contra COVID-19 en Cali" and vacunas.organismo == "salud"
    assert vacunas.downloads_per_visit == 6 / 30
    assert (cesion.views, cesion.downloads, cesion.downloads_per_visit) == (0, 3, None)
    assert {o.label for o in report.by_organismo} == {
        "Secretaría de Salud Pública",
        "Departamento Administrativo de Planeación",
    }
    assert [line.key for line in report.top("views")] == ["vacunacion-covid19"]
    assert [line.key for line in report.top("downloads")] == ["vacunacion-covid19", "areas-cesion"]


def test_json_and_csv_forms_carry_the_same_figures():
    report = _report()
    data = json.loads(json.dumps(report.to_dict()))
    assert data["total"] == {
        "key": "total",
        "label": "Total",
        "views": 30,
        "downloads": 9,
        "organismo": None,
        "downloads_per_visit": 9 / 30,
    }
    assert [y["key"] for y in data["by_year"]] == ["2021", "2022"]
    rows = report.csv_rows()
    assert rows[0] == {
        "agrupacion": "total",
        "clave": "total",
        "nombre": "Total",
        "organismo": "",
        "visitas": 30,
        "descargas": 9,
        "descargas_por_visita": "0.3000",
    }
    assert {r["agrupacion"] for r in rows} == {
        "total",
        "portal",
        "conjunto",
        "organismo",
        "mes",
        "año",
    }


def test_an_empty_report_says_so():
    report = build_usage_report([], load_catalog(ROOT / "datasets"))
    assert report.empty and report.total.views == 0 and report.by_month == []


def test_spanish_number_formats():
    assert number(55136) == "55.136"
    assert decimal(1234.5) == "1.234,50" and decimal(None) == "—"
    assert percent(0.857) == "85,7 %" and percent(None) == "—"
