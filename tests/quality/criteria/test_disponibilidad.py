"""Disponibilidad: (Accesibilidad + Actualidad) / 2."""

from datos_cali.quality.criteria import disponibilidad
from tests.quality.builders import context


def test_accessible_and_current(tmp_path):
    score = disponibilidad.evaluate(context(tmp_path, {"a": ["1"]}))
    assert score.value == 10.0
    assert score.evidence == {"accesibilidad": 10.0, "actualidad": 10.0}


def test_accessible_but_stale_scores_half(tmp_path):
    stale = {"metadata": {"data": {"fecha_emision": "2023-01-01"}}}
    assert disponibilidad.evaluate(context(tmp_path, {"a": ["1"]}, dataset=stale)).value == 5.0
