"""Eficiencia: (Completitud + Unicidad) / 2."""

from datos_cali.quality.criteria import eficiencia
from tests.quality.builders import context


def test_a_repeated_row_in_a_full_table(tmp_path):
    ctx = context(tmp_path, {"a": ["1", "2", "3", "1", "5"], "b": ["x", "y", "z", "x", "w"]})
    score = eficiencia.evaluate(ctx)
    assert score.evidence == {"completitud": 10.0, "unicidad": 8.0}
    assert score.value == 9.0


def test_clean_table(tmp_path):
    assert eficiencia.evaluate(context(tmp_path, {"a": ["1", "2"]})).value == 10.0
