"""Recuperabilidad: (Accesibilidad + 10·metadata complete + 10·metadata audited) / 3."""

from datos_cali.quality.criteria import recuperabilidad
from tests.quality.builders import context


def test_everything_in_place(tmp_path):
    assert recuperabilidad.evaluate(context(tmp_path, {"a": ["1"]})).value == 10.0


def test_catalog_and_contract_disagreeing_on_columns(tmp_path):
    extra = {
        "columns": {
            "a": {"description": "Valor de a en cada registro"},
            "b": {"description": "Valor de b en cada registro"},
            "zz": {"description": "Columna que el contrato no tiene"},
        }
    }
    score = recuperabilidad.evaluate(context(tmp_path, {"a": ["1"], "b": ["2"]}, dataset=extra))
    assert score.evidence["metadatos_auditados"] == 0.6667  # 2 shared of 3
    assert score.value == 8.9  # (10 + 10 + 6.67) / 3
