"""Exactitud: mean of the spelling part and the contract-rules part."""

from datos_cali.quality.criteria import exactitud
from tests.quality.builders import context


def test_one_value_spelt_two_ways(tmp_path):
    ctx = context(tmp_path, {"ciudad": ["Cali"] * 7 + ["Calí"], "n": [str(i) for i in range(8)]})
    score = exactitud.evaluate(ctx)
    assert score.evidence["celdas_con_variantes"] == 1
    assert score.value == 9.4  # (10·(1 − 1/8) + 10) / 2 = 9.375
    (finding,) = score.findings
    assert finding.code == "variantes_de_escritura" and finding.rows == [9]
    assert "«Cali» y «Calí»" in finding.for_organismo()
    assert "Calí" not in finding.message and finding.message.endswith("p. ej. la fila 9.")


def test_values_outside_the_contract_rules(tmp_path):
    ctx = context(
        tmp_path,
        {"porcentaje": ["10", "20", "150", "40", "50"]},
        kinds={"porcentaje": "number"},
        rules={"porcentaje": {"in_range": {"min_value": 0, "max_value": 100}}},
    )
    score = exactitud.evaluate(ctx)
    assert score.evidence["celdas_fuera_de_regla"] == 1
    assert score.evidence["celdas_con_reglas"] == 5
    assert score.value == 9.0  # (10 + 10·(1 − 1/5)) / 2


def test_free_text_is_not_checked_for_spellings(tmp_path):
    ctx = context(tmp_path, {"texto": ["uno", "Uno", "dos", "tres"]})  # 4 distinct of 4 rows
    assert exactitud.evaluate(ctx).evidence["celdas_de_categorias"] == 0
