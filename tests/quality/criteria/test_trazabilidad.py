"""Trazabilidad: creation date, frequency, source, responsible area, no year in the title."""

from datos_cali.quality.criteria import trazabilidad
from tests.quality.builders import context


def test_all_items_present(tmp_path):
    assert trazabilidad.evaluate(context(tmp_path, {"a": ["1"]})).value == 10.0


def test_a_year_in_the_title_costs_one_item_of_five(tmp_path):
    ctx = context(tmp_path, {"a": ["1"]}, dataset={"title": "Contratos de urgencia 2021"})
    score = trazabilidad.evaluate(ctx)
    assert score.value == 8.0
    assert score.evidence["titulo_sin_anio"] == 0


def test_year_in_title_detects_years_not_other_numbers():
    assert trazabilidad.year_in_title("Índice 2015 = 100") == "2015"
    assert trazabilidad.year_in_title("Comuna 22 y 1.500 predios") is None
