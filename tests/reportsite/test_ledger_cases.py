"""The site over ledgers the real runs above do not make: empty, hundreds of runs, hostile text."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from datos_cali.auditsite import build as build_site
from datos_cali.catalog import load_catalog
from datos_cali.ledger import new_run_id, open_ledger
from datos_cali.quality import registry
from datos_cali.settings import paths
from tests.reportsite.conftest import BUILT_AT, IMAE
from tests.reportsite.htmlcheck import read

SHA = "ab" * 32
START = datetime(2025, 1, 1, 13, 0, tzinfo=UTC)


@pytest.fixture
def ledger():
    with open_ledger() as handle:
        yield handle


@pytest.fixture
def catalog():
    return load_catalog(paths().catalog)


def record_run(ledger, slug, started, *, targets=("datos.gov.co",), report=None, **fields):
    """One run as the pipeline records it: a row per target, and its JSON report."""
    run_id = new_run_id()
    organismo = fields.pop("organismo", "planeacion")
    finished = started + timedelta(seconds=3)
    path = None
    if report is not None:
        folder = paths().reports / "runs" / slug
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{started:%Y%m%dT%H%M%S}-{run_id[:8]}.json"
        path.write_text(json.dumps({"run_id": run_id, "dataset": slug, **report}), "utf-8")
    for target in targets:
        ledger.record(
            {
                "run_id": run_id,
                "dataset": slug,
                "organismo": organismo,
                "target": target,
                "source_kind": "inbox",
                "source_file_name": "IMAE_Cali.csv",
                "source_sha256": SHA,
                "rows": 72,
                "outcome": "published",
                "started_at": started,
                "finished_at": finished,
                "report_path": str(path) if path else None,
                **fields,
            }
        )
    return run_id


def test_an_empty_ledger_builds_a_site_that_says_so(ledger, catalog, tmp_path):
    site = build_site(tmp_path / "sitio", ledger=ledger, catalog=catalog, now=BUILT_AT)
    index = read(site.index)
    assert "Aún no hay ejecuciones registradas." in index.text
    assert "Ejecuciones registradas 0" in index.text
    for slug in catalog.datasets:
        page = read(site.root / "conjuntos" / f"{slug}.html")
        assert "Aún no hay ejecuciones de este conjunto de datos." in page.text
        assert "Aún no hay puntajes" in page.text
    for organismo in catalog.organismos:
        assert (site.root / "organismos" / f"{organismo}.html").is_file()
    assert site.runs == 0 and site.reports == 0


def test_hundreds_of_runs_build_quickly_with_every_run_in_the_evidence(ledger, catalog, tmp_path):
    scores = {c.id: 8.0 for c in registry()}
    for day in range(150):
        record_run(
            ledger,
            IMAE,
            START + timedelta(days=day),
            targets=("datos.gov.co", "datos.cali.gov.co"),
            quality_scores={**scores, "completitud": round(5 + (day % 50) / 10, 1)},
            portal_request_ids=[f"req-{day}"],
            report={"overall": round(7 + (day % 30) / 10, 1)},
        )
    started = time.perf_counter()
    site = build_site(tmp_path / "sitio", ledger=ledger, catalog=catalog, now=BUILT_AT)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, elapsed
    page = read(site.root / "conjuntos" / f"{IMAE}.html")
    assert page.table("Evidencia de publicación").body_rows == 300  # 150 runs × 2 portals
    assert page.table("Datos del gráfico «Índice general").body_rows == 150
    assert site.reports == 150
    assert len(list((site.root / "conjuntos" / IMAE / "ejecuciones").glob("*.json"))) == 150
    html = (site.root / "conjuntos" / f"{IMAE}.html").read_text("utf-8")
    assert "req-0" in html and "req-149" in html
    # The chart draws one point per run (two lines), the newest scores come first in the table.
    svg = html[html.index('id="grafico-historial"') :]
    polyline = svg[svg.index("<polyline") : svg.index("/>", svg.index("<polyline"))]
    assert polyline.count(",") == 150
    assert "2025-05-30" in page.text  # the 150th day


def test_text_from_the_ledger_and_reports_is_rendered_inert(ledger, catalog, tmp_path):
    hostile = "<script>alert('x')</script>"
    record_run(
        ledger,
        IMAE,
        START,
        outcome="rejected",
        targets=("none",),
        source_file_name='"><img src=x onerror=alert(1)>.csv',
        error_message=hostile,
        quality_scores={"completitud": 4.0},
        findings=[
            {
                "kind": "schema",
                "code": "x<b>",
                "message": f"El valor {hostile} no es válido.",
                "column": "<i>columna</i>",
                "count": 2,
                "rows": [7, 9],
                "severity": "block",
            }
        ],
        report={"message": hostile, "title": hostile},
    )
    record_run(
        ledger,
        "conjunto-retirado",
        START,
        organismo="organismo-retirado",
        report={"title": f"Retirado {hostile}"},
    )
    site = build_site(tmp_path / "sitio", ledger=ledger, catalog=catalog, now=BUILT_AT)
    for path in site.root.rglob("*.html"):
        html = path.read_text("utf-8").lower()
        scripts = re.findall(r"<script[^>]*>", html)
        assert all('src="' in tag and 'filtros.js"' in tag for tag in scripts), path
        assert "<img" not in html and "<i>" not in html, path
    page = read(site.root / "conjuntos" / f"{IMAE}.html")
    assert f"El valor {hostile} no es válido." in page.text  # shown as text, not lost
    assert "7, 9" in page.text
    # A dataset that left the catalog keeps its page, under an organismo shown by its slug.
    retired = read(site.root / "conjuntos" / "conjunto-retirado.html")
    assert retired.headings[0] == (1, f"Retirado {hostile}")
    assert "ya no está en el catálogo" in retired.text
    assert (site.root / "organismos" / "organismo-retirado.html").is_file()


def test_a_report_of_another_run_is_not_shown_as_evidence(ledger, catalog, tmp_path):
    run_id = record_run(ledger, IMAE, START, report={"overall": 9.9})
    [row] = ledger.runs(run_id=run_id)
    written = Path(row.report_path)
    report = json.loads(written.read_text("utf-8"))
    report["run_id"] = new_run_id()
    written.write_text(json.dumps(report), "utf-8")
    site = build_site(tmp_path / "sitio", ledger=ledger, catalog=catalog, now=BUILT_AT)
    page = read(site.root / "conjuntos" / f"{IMAE}.html")
    assert site.reports == 0
    assert not [link for link in page.links() if link.endswith(".json")]
    assert "No disponible" in page.text


def test_score_evidence_and_formula_version_come_from_the_run_report(ledger, catalog, tmp_path):
    """A report that kept each `Score` (evidence, formula version) is shown as it was scored."""
    scores = {c.id: 9.0 for c in registry()}
    details = {
        "completitud": {
            "value": 9.0,
            "evidence": {"celdas": 1440, "celdas_vacias": 3, "proporcion_vacia": 0.00208},
            "formula_version": "2",
            "provisional": False,
        }
    }
    record_run(
        ledger,
        IMAE,
        START,
        quality_scores=scores,
        report={"overall": 9.0, "score_details": details},
    )
    site = build_site(tmp_path / "sitio", ledger=ledger, catalog=catalog, now=BUILT_AT)
    page = read(site.root / "conjuntos" / f"{IMAE}.html")
    row = re.search(r"Completitud 9,0 (.*?) Unicidad", page.text).group(1)
    assert "celdas: 1.440" in row and "celdas vacías: 3" in row
    assert "proporción vacía: 0,002" in row
    assert row.endswith(" 2") and "Provisional" not in row  # the run's version, not today's
    assert "no lo que se contó" not in page.text
    assert "Unicidad 9,0 No registrada" in page.text


def test_failed_expectations_are_shown_in_spanish_with_their_masked_examples(
    ledger, catalog, tmp_path
):
    expectations = {
        "evaluated_expectations": 2,
        "successful_expectations": 1,
        "unsuccessful_expectations": 1,
        "results": [
            {
                "type": "expect_column_values_to_be_between",
                "column": "indice",
                "success": False,
                "unexpected_count": 3,
                "rows": ["5", "9"],
                "examples": ["[dato personal oculto]", "250,3"],
            },
            {
                "type": "expect_column_values_to_not_be_null",
                "column": "anio",
                "success": True,
                "unexpected_count": 0,
            },
        ],
        "docs_index": "gx/x/index.html",
    }
    record_run(ledger, IMAE, START, report={"expectations": expectations})
    site = build_site(tmp_path / "sitio", ledger=ledger, catalog=catalog, now=BUILT_AT)
    page = read(site.root / "conjuntos" / f"{IMAE}.html")
    assert page.table("Expectativas de Great Expectations que no se cumplieron").body_rows == 1
    assert "Dentro del rango permitido indice 3 5, 9 «[dato personal oculto]», «250,3»" in page.text
    assert "Ver la expectativa que se cumplió" in page.text
    assert "expect_column" not in page.text
