"""Unicidad: 10·(1 − repeated rows / rows)·(1 − repeated columns / columns)."""

from datos_cali.quality.criteria import unicidad
from tests.quality.builders import context


def test_a_repeated_row_costs_its_share_and_is_located(tmp_path):
    ctx = context(tmp_path, {"a": ["1", "2", "1", "3"], "b": ["x", "y", "x", "z"]})
    score = unicidad.evaluate(ctx)
    assert score.value == 7.5  # 10·(1 − 1/4)
    assert score.evidence["filas_repetidas"] == 1
    (finding,) = score.findings
    assert finding.code == "filas_repetidas" and finding.rows == [4]  # third record, file row 4


def test_a_column_copied_from_another_is_penalised(tmp_path):
    ctx = context(tmp_path, {"a": ["1", "2", "3"], "b": ["x", "y", "z"], "c": ["1", "2", "3"]})
    score = unicidad.evaluate(ctx)
    assert score.value == 6.7  # 10·(1 − 0/3)·(1 − 1/3)
    assert score.evidence["columnas_repetidas"] == 1


def test_distinct_rows_and_columns_score_10(tmp_path):
    ctx = context(tmp_path, {"a": ["1", "2"], "b": ["x", "y"], "c": [None, None]})
    assert unicidad.evaluate(ctx).value == 10.0  # empty columns are not "repeated"
