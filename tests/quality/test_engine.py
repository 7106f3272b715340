"""The registry, `assess`, the settings and the catalog's per-dataset severities."""

import datetime as dt
from pathlib import Path

import pytest

from datos_cali.catalog import load_catalog
from datos_cali.contracts import load_contract
from datos_cali.findings import Kind, Severity
from datos_cali.quality import SettingsError, analyse, assess, registry
from datos_cali.quality.criteria import MODULES
from datos_cali.quality.settings import quality_settings
from datos_cali.reading import read_table
from datos_cali.settings import paths
from tests.quality.builders import context

MINTIC = [
    "completitud", "unicidad", "actualidad", "credibilidad", "trazabilidad", "disponibilidad",
    "accesibilidad", "recuperabilidad", "portabilidad", "relevancia", "confidencialidad",
    "exactitud", "consistencia", "precision", "conformidad", "comprensibilidad", "eficiencia",
]  # fmt: skip
STALE = {"metadata": {"data": {"fecha_emision": "2023-01-01"}}}


def test_the_registry_lists_the_17_criteria_in_a_stable_order():
    assert [c.id for c in registry()] == MINTIC
    for criterion in registry():
        assert criterion.formula_version == "1-provisional" and criterion.provisional
        assert criterion.name and criterion.definition and criterion.formula
        assert "MinTIC" in criterion.source
        assert set(criterion.describe()) >= {"id", "name", "formula", "formula_version"}


def test_every_criterion_module_has_a_test_file():
    tests = Path(__file__).parent / "criteria"
    assert {m.CRITERION.id for m in MODULES} == {
        p.stem.removeprefix("test_") for p in tests.glob("test_*.py")
    }


def test_settings_cover_every_criterion():
    assert set(quality_settings().criteria) == set(MINTIC)


def test_assess_scores_everything_and_reports_what_falls_below(tmp_path):
    published = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)  # a run: the last publication is old
    assessment = assess(context(tmp_path, {"a": ["1", "2"]}, dataset=STALE, last_updated=published))
    assert list(assessment.scores) == MINTIC
    assert all(0 <= s.value <= 10 for s in assessment.scores.values())
    below = {f.code: f for f in assessment.findings if f.code.startswith("criterio_")}
    assert set(below) == {"criterio_actualidad", "criterio_precision"}
    assert below["criterio_actualidad"].kind == Kind.METADATA
    assert below["criterio_actualidad"].severity == Severity.INFO  # default in criterios.yaml
    assert "Actualidad: 0,0 de 10" in below["criterio_actualidad"].message
    assert "desactualizado" in [f.code for f in assessment.findings]
    assert 0 < assessment.overall < 10


def test_the_catalogs_age_is_not_the_senders_finding(tmp_path):
    """A pre-check measures Actualidad on the catalog's issue date: the score says so, but no
    finding is addressed to the person sending the file about the office's metadata."""
    assessment = assess(context(tmp_path, {"a": ["1", "2"]}, dataset=STALE))
    assert assessment.scores["actualidad"].value == 0
    codes = [f.code for f in assessment.findings]
    assert "criterio_actualidad" not in codes and "desactualizado" not in codes


def test_the_catalog_sets_a_criterion_severity_per_dataset(tmp_path):
    ctx = context(
        tmp_path,
        {"a": ["1", "2"]},
        dataset={**STALE, "quality": {"actualidad": "block"}},
        last_updated=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
    )
    (finding,) = [f for f in assess(ctx).findings if f.code == "criterio_actualidad"]
    assert finding.severity == Severity.BLOCK
    assert ctx.score_of("actualidad").severity == Severity.BLOCK


def test_confidencialidad_findings_are_of_kind_pii(tmp_path):
    phones = {"celular": ["3001234567", "3157654321"], "correo": ["a@b.co", "c@d.co"]}
    findings = assess(context(tmp_path, {"a": ["1", "2"], **phones})).findings
    (finding,) = [f for f in findings if f.code == "criterio_confidencialidad"]
    assert finding.kind == Kind.PII and finding.severity == Severity.WARN


def test_an_unknown_quality_key_in_the_catalog_is_reported(tmp_path):
    ctx = context(tmp_path, {"a": ["1"]}, dataset={"quality": {"completud": "block"}})
    (finding,) = [f for f in assess(ctx).findings if f.code == "clave_de_calidad_desconocida"]
    assert "completud" in finding.message


def test_incomplete_settings_are_refused(tmp_path):
    ctx = context(tmp_path, {"a": ["1"]})
    criteria = dict(ctx.settings.criteria)
    del criteria["eficiencia"]
    ctx.settings = ctx.settings.model_copy(update={"criteria": criteria})
    with pytest.raises(SettingsError, match="eficiencia"):
        assess(ctx)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(paths().catalog)


def test_default_severities_let_every_demo_publish(catalog):
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for slug, dataset in catalog.datasets.items():
        raw = read_table(paths().root / dataset.demo, sheet=dataset.reading.sheet)
        contract = load_contract(dataset.schema_name, paths().schemas)
        analysis = analyse(raw, dataset, contract, now=now, organismo=catalog.organismo_of(dataset))
        blocking = [(f.code, f.column) for f in analysis.findings if f.severity == Severity.BLOCK]
        assert analysis.publishable, (slug, blocking)
        assert list(analysis.scores) == MINTIC
