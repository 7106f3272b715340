"""Credibilidad: 10·(0.70·metadata + 0.05·publisher + 0.25·columns described)."""

from datos_cali.quality.criteria import credibilidad
from tests.quality.builders import context

COLUMNS = {"a": ["1"], "b": ["2"]}
NO_LINKS = {"metadata": {"data": {"url_documentacion": None, "url_normativa": None}}}


def test_complete_metadata_known_publisher_described_columns(tmp_path):
    assert credibilidad.evaluate(context(tmp_path, COLUMNS)).value == 10.0


def test_missing_links_lower_metadata_completeness(tmp_path):
    score = credibilidad.evaluate(context(tmp_path, COLUMNS, dataset=NO_LINKS))
    assert score.evidence["metadatos_completos"] == 0.875  # 14 of 16 fields
    assert score.value == 9.1  # 10·(0.70·0.875 + 0.05 + 0.25)


def test_unknown_publisher_and_terse_descriptions(tmp_path):
    terse = {"columns": {"a": {"description": "Valor a"}, "b": {"description": "Valor b"}}}
    score = credibilidad.evaluate(context(tmp_path, COLUMNS, dataset=terse, organismo=None))
    assert score.evidence["publicador_valido"] == 0
    assert score.evidence["columnas_descritas"] == 0
    assert score.value == 7.0  # 10·0.70
