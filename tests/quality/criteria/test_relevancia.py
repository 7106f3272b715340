"""Relevancia: 5·category + 5·min(rows / 50, 1)."""

from datos_cali.quality.criteria import relevancia
from tests.quality.builders import context


def test_fifty_rows_with_a_category(tmp_path):
    ctx = context(tmp_path, {"a": [str(i) for i in range(50)]})
    assert relevancia.evaluate(ctx).value == 10.0


def test_few_rows_are_penalised(tmp_path):
    ctx = context(tmp_path, {"a": [str(i) for i in range(20)]})
    score = relevancia.evaluate(ctx)
    assert score.value == 7.0  # 5 + 5·20/50
    assert score.evidence == {"categoria": 1, "filas": 20, "filas_minimas": 50}
