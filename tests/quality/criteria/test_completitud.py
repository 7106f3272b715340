"""Completitud: mean of the empty-cell, mostly-empty-column and complete-column parts."""

from datos_cali.quality.criteria import completitud
from tests.quality.builders import context


def test_a_full_table_scores_10(tmp_path):
    ctx = context(tmp_path, {"a": ["1", "2"], "b": ["x", "y"]})
    score = completitud.evaluate(ctx)
    assert score.value == 10.0
    assert score.evidence["celdas_vacias"] == 0


def test_known_score_with_a_mostly_empty_column(tmp_path):
    # 3 empty of 8 cells: 10·(1 − 0.375^1.5) = 7.70; 1 of 2 columns mostly empty:
    # 10·(1 − 0.5²) = 7.5; 1 of 2 columns without empties: 5.0 → (7.70 + 7.5 + 5.0) / 3 = 6.7
    ctx = context(tmp_path, {"a": ["1", "2", "3", "4"], "b": [None, None, None, "x"]})
    score = completitud.evaluate(ctx)
    assert score.value == 6.7
    assert score.evidence == {
        "celdas": 8,
        "celdas_vacias": 3,
        "columnas": 2,
        "columnas_mayormente_vacias": 1,
        "columnas_sin_vacios": 1,
    }
    assert score.formula_version == "1-provisional" and score.provisional


def test_placeholders_count_as_empty(tmp_path):
    ctx = context(tmp_path, {"a": ["1", "2", "3", "4"], "b": ["SIN INFORMACIÓN", "N/A", "-", "x"]})
    assert completitud.evaluate(ctx).value == 6.7
