"""Accesibilidad: tags, documentation link, regulation link — a third each."""

from datos_cali.quality.criteria import accesibilidad
from tests.quality.builders import context


def test_tags_and_both_links(tmp_path):
    assert accesibilidad.evaluate(context(tmp_path, {"a": ["1"]})).value == 10.0


def test_only_tags(tmp_path):
    no_links = {"metadata": {"data": {"url_documentacion": None, "url_normativa": None}}}
    score = accesibilidad.evaluate(context(tmp_path, {"a": ["1"]}, dataset=no_links))
    assert score.value == 3.3
    assert score.evidence == {"etiquetas": 1, "url_documentacion": 0, "url_normativa": 0}


def test_a_link_that_is_not_a_url_does_not_count(tmp_path):
    bad = {"metadata": {"data": {"url_normativa": "Decreto 1082 de 2015"}}}
    assert accesibilidad.evaluate(context(tmp_path, {"a": ["1"]}, dataset=bad)).value == 6.7
