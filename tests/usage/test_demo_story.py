"""The demo tells one story: its monthly usage figures are readings of 2021, the usage report of
2021 shows the office's 55,136 visits and 28,735 downloads of datos.cali.gov.co, the figures
recomputed from those readings are the demo file itself, and a year the ledger does not cover
says so in one line."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from datos_cali import archive
from datos_cali.catalog import load_catalog
from datos_cali.cli.app import app
from datos_cali.ledger import open_ledger
from datos_cali.settings import paths
from datos_cali.usage import USAGE_DATASET, UsageStore, daily_usage, usage_figures
from datos_cali.usage.imported import FiguresError, import_monthly_figures
from tests.pipeline.conftest import ROOT

DEMO = ROOT / "demo" / "uso-portales-datos-abiertos" / "uso-portales-demo.csv"


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_STATE", str(tmp_path / "estado"))
    return tmp_path / "estado"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_the_demo_stores_its_2021_usage_and_the_report_shows_the_office_figures(state):
    assert invoke("demo").exit_code == 0
    result = invoke("usage", "report", "--year", "2021", "--json")
    report = json.loads(result.stdout)
    portals = {line["key"]: line for line in report["by_portal"]}
    assert portals["datos.cali.gov.co"]["views"] == 55_136
    assert portals["datos.cali.gov.co"]["downloads"] == 28_735
    human = invoke("usage", "report", "--year", "2021").stdout
    assert "55.136" in human and "28.735" in human and "importadas" in human


def test_importing_twice_stores_nothing_new(state):
    catalog = load_catalog(paths().catalog)
    with open_ledger() as ledger:
        first = import_monthly_figures(DEMO, catalog, paths().schemas, ledger)
        again = import_monthly_figures(DEMO, catalog, paths().schemas, ledger)
        count = UsageStore(ledger).count()
    assert first.stored == first.readings == count > 0
    assert again.stored == 0 and again.years == (2021,)


def test_the_figures_recomputed_from_the_readings_are_the_demo_file(state):
    catalog = load_catalog(paths().catalog)
    with open_ledger() as ledger:
        import_monthly_figures(DEMO, catalog, paths().schemas, ledger)
        rows = usage_figures(daily_usage(UsageStore(ledger).snapshots()), catalog)
    with DEMO.open(encoding="utf-8") as handle:
        demo = list(csv.DictReader(handle))
    assert {(r["id_registro"], r["visitas"], r["descargas"]) for r in rows} == {
        (d["Identificador del Registro"], int(d["Visitas"]), int(d["Descargas"])) for d in demo
    }


def test_a_file_that_is_not_usage_figures_is_refused_in_spanish(state, tmp_path):
    wrong = tmp_path / "otra.csv"
    wrong.write_text("a;b\n1;2\n", encoding="utf-8")
    with open_ledger() as ledger, pytest.raises(FiguresError, match="no tiene la forma"):
        import_monthly_figures(wrong, load_catalog(paths().catalog), paths().schemas, ledger)
    assert USAGE_DATASET == "uso-portales-datos-abiertos"


def test_a_year_without_readings_says_so_in_one_line(state):
    invoke("demo")
    out = invoke("usage", "report", "--year", "2019").stdout.strip()
    assert out == "No hay lecturas de uso de 2019: las lecturas guardadas empiezan el 2021-03-31."


def test_a_year_before_the_ledger_says_so_in_one_line_and_counts_stay_within_their_totals(state):
    from datos_cali.ledger.models import RunRecord  # noqa: F401  (the table the run goes in)

    started = dt.datetime(2026, 5, 4, 15, 0, tzinfo=dt.UTC)
    figures = ROOT / "demo" / "cumplimiento-plan-apertura" / "cumplimiento-plan-demo.csv"
    archived = archive.archive_file(figures, origin={"dataset": "cumplimiento-plan-apertura"})
    with open_ledger() as ledger:
        for number, (slug, organismo, sha) in enumerate(
            [
                ("vacunacion-covid19", "salud", None),
                ("cumplimiento-plan-apertura", "transparencia", archived.sha256),
            ]
        ):
            ledger.record(
                {
                    "run_id": f"demo-{number}",
                    "dataset": slug,
                    "organismo": organismo,
                    "source_kind": "inbox",
                    "source_sha256": sha,
                    "target": "datos.gov.co",
                    "outcome": "published",
                    "started_at": started,
                    "finished_at": started + dt.timedelta(seconds=30),
                    "duration_s": 30.0,
                }
            )
    before = invoke("compliance", "report", "--year", "2021").stdout.strip()
    assert "\n" not in before
    assert before.startswith(
        "No hay ejecuciones registradas hasta el cierre de 2021: el registro empieza el 2026-05-04"
    )
    # …and it quotes the office's published figures for that year, from the archived bytes.
    assert "conjuntos comprometidos publicados: 14 de 14; a tiempo: 11 de 14." in before
    data = json.loads(invoke("compliance", "report", "--year", "2026", "--json").stdout)
    total = data["overall"]
    assert total["published"] <= total["committed"] or total["committed"] == 0
    catalog = len(load_catalog(paths().catalog).datasets)
    assert len(total["current"]) + len(total["stale"]) == 2  # the two datasets published
    counted = len(total["current"]) + len(total["stale"]) + len(total["never_published"])
    assert counted == catalog
    text = invoke("compliance", "report", "--year", "2026").stdout
    assert (
        f"Catálogo ({catalog} conjuntos): al día 0 · desactualizados 2 · sin publicar {catalog - 2}."
        in text
    )
