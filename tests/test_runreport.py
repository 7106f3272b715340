"""The run report: written by a run, read back by the report site, whatever version wrote it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from datos_cali.auditsite import build
from datos_cali.catalog import load_catalog
from datos_cali.ledger import open_ledger
from datos_cali.outcomes import Outcome
from datos_cali.pipeline import run_dataset
from datos_cali.runreport import SCHEMA_VERSION, RunReport
from datos_cali.settings import paths
from tests.pipeline.conftest import ledger, mini, session  # noqa: F401  (shared fixtures)

STARTED = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
SHA = "cd" * 32

# What `pipeline.write_report` wrote before reports were versioned (version 1: no
# `schema_version`), trimmed to one score, one finding and one target.
VERSION_1 = {
    "dataset": "indice-mensual-actividad-economica",
    "title": "Índice Mensual de Actividad Económica de Cali (IMAE)",
    "organismo": "planeacion",
    "run_id": "6f1c0b7e-2a0e-4c55-9d0b-8e4d5b7d6a11",
    "started_at": "2026-11-20T14:00:00+00:00",
    "finished_at": "2026-11-20T14:00:03.250000+00:00",
    "outcome": "published",
    "message": None,
    "source": {
        "kind": "inbox",
        "uri": "inbox:planeacion/IMAE_Cali.csv",
        "file_name": "IMAE_Cali.csv",
        "sha256": SHA,
        "bytes": 2210,
    },
    "rows": 72,
    "columns": ["Año", "Mes", "Índice (2015=100)", "Variación anual (%)"],
    "findings": [
        {
            "kind": "quality",
            "code": "menos_de_50_filas",
            "message": "El conjunto tiene pocas filas.",
            "column": None,
            "count": 1,
            "rows": [],
            "severity": "warn",
        }
    ],
    "scores": {"completitud": 9.7},
    "score_details": {
        "completitud": {
            "value": 9.7,
            "evidence": {"celdas_vacias": 12},
            "formula_version": "1-provisional",
        }
    },
    "overall": 8.4,
    "expectations": {
        "evaluated_expectations": 12,
        "successful_expectations": 12,
        "unsuccessful_expectations": 0,
        "unexpected_counts": {},
        "skipped": [],
        "values_hidden": False,
        "docs_index": "gx/indice-mensual-actividad-economica/index.html",
    },
    "targets": [
        {
            "target": "datos.gov.co",
            "outcome": "published",
            "asset_id": "abcd-1234",
            "url": "http://127.0.0.1:8000/d/abcd-1234",
            "created": 72,
            "updated": 0,
            "deleted": 0,
            "rows_sent": 72,
            "requests": 9,
            "bytes_sent": 10240,
            "request_ids": ["r-1"],
            "error": None,
            "transient": False,
            "timings": {"write": 0.5},
        }
    ],
    "timings": {"pull": 0.01, "archive": 0.02, "analyse": 0.4},
}


def test_a_version_1_report_reads_in_the_current_shape():
    report = RunReport.parse(json.dumps(VERSION_1))
    assert report.schema_version == SCHEMA_VERSION == 2
    assert report.outcome is Outcome.PUBLISHED and report.targets[0].outcome is Outcome.PUBLISHED
    assert report.started_at == STARTED and report.source.sha256 == SHA
    assert report.findings[0].code == "menos_de_50_filas"
    assert report.score_details["completitud"]["evidence"] == {"celdas_vacias": 12}
    again = json.loads(report.to_json())
    assert again["schema_version"] == 2
    assert _holds(again, VERSION_1)  # nothing lost, nothing reshaped (newer fields may be added)


def _holds(bigger, smaller) -> bool:
    """Every key and value of `smaller` is in `bigger`, at any depth."""
    if isinstance(smaller, dict):
        return isinstance(bigger, dict) and all(
            key in bigger and _holds(bigger[key], value) for key, value in smaller.items()
        )
    if isinstance(smaller, list):
        return (
            isinstance(bigger, list)
            and len(bigger) == len(smaller)
            and all(_holds(b, s) for b, s in zip(bigger, smaller, strict=True))
        )
    return bigger == smaller


def test_the_oldest_reports_move_their_evidence_into_score_details():
    oldest = {**VERSION_1, "score_details": None, "evidence": {"completitud": {"celdas": 3}}}
    report = RunReport.parse(json.dumps(oldest))
    assert report.score_details == {"completitud": {"evidence": {"celdas": 3}}}


@pytest.mark.parametrize("raw", ["no es JSON", "[1, 2]", json.dumps({"dataset": "x"})])
def test_what_is_not_a_run_report_reads_as_none(raw):
    assert RunReport.parse(raw) is None


def test_a_run_writes_a_current_report_that_reads_back_equal(mini, session, ledger):  # noqa: F811
    slug = mini.add("imae-informe", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    run = run_dataset(slug, session, ledger)
    raw = Path(run.report_path).read_bytes()
    assert json.loads(raw)["schema_version"] == SCHEMA_VERSION
    report = RunReport.parse(raw)
    assert report.run_id == run.run_id and report.rows == 72 and report.outcome == run.outcome
    assert RunReport.parse(report.to_json()) == report
    assert [t.created for t in report.targets] == [72]


def _record(records, report: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report), "utf-8")
    records.record(
        {
            "run_id": report["run_id"],
            "dataset": report["dataset"],
            "organismo": report["organismo"],
            "target": "datos.gov.co",
            "source_kind": "inbox",
            "source_file_name": "IMAE_Cali.csv",
            "source_sha256": SHA,
            "rows": 72,
            "created": 72,
            "outcome": "published",
            "quality_scores": report["scores"],
            "findings": report["findings"],
            "started_at": STARTED,
            "finished_at": STARTED + timedelta(seconds=3),
            "report_path": str(path),
        }
    )


def _pages(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text("utf-8") for p in sorted(root.rglob("*.html"))}


def test_the_site_reads_a_version_1_report_and_its_upgrade_the_same_way(tmp_path):
    catalog = load_catalog(paths().catalog)
    report_path = paths().reports / "runs" / VERSION_1["dataset"] / "20261120T140000-6f1c0b7e.json"
    with open_ledger() as records:
        _record(records, VERSION_1, report_path)
        before = build(tmp_path / "antes", ledger=records, catalog=catalog, now=STARTED)
        report_path.write_text(RunReport.parse(json.dumps(VERSION_1)).to_json(), "utf-8")
        after = build(tmp_path / "despues", ledger=records, catalog=catalog, now=STARTED)
    assert _pages(before.root) == _pages(after.root)
    page = _pages(after.root)["conjuntos/indice-mensual-actividad-economica.html"]
    assert "evaluó 12 expectativas" in page and "8,4" in page  # the report's own figures
    copied = sorted((after.root / "conjuntos").rglob("*.json"))
    assert [json.loads(p.read_text("utf-8"))["schema_version"] for p in copied] == [2]
