"""Confidencialidad: 10·max(0, 1 − risk points / 6), points weighted by risk."""

from datos_cali.quality.criteria import confidencialidad
from tests.quality.builders import context

CEDULAS = ["1.144.123.456", "31.234.567", "16.789.012", "1.107.654.321"]
PHONES = ["300 123 4567", "3157654321", "310 222 3344", "3209876543"]


def test_no_personal_data_scores_10(tmp_path):
    score = confidencialidad.evaluate(context(tmp_path, {"a": ["x", "y", "z", "w"]}))
    assert score.value == 10.0 and score.evidence["puntos_de_riesgo"] == 0


def test_an_identifier_column_weighs_3(tmp_path):
    ctx = context(tmp_path, {"a": ["x", "y", "z", "w"], "cedula": CEDULAS})
    score = confidencialidad.evaluate(ctx)
    assert score.evidence["puntos_de_riesgo"] == 3
    assert score.value == 5.0


def test_identifier_and_contact_columns_add_up_and_are_named(tmp_path):
    ctx = context(tmp_path, {"a": ["x", "y", "z", "w"], "cedula": CEDULAS, "telefono": PHONES})
    score = confidencialidad.evaluate(ctx)
    assert score.evidence["puntos_de_riesgo"] == 5
    assert score.evidence["columnas_con_datos_personales"] == 2
    assert score.evidence["columnas_que_restan_puntos"] == "«cedula» (3); «telefono» (2)"
    assert score.value == 1.7  # 10·(1 − 5/6)


def test_columns_the_contract_does_not_publish_cost_nothing(tmp_path):
    ctx = context(tmp_path, {"a": ["x", "y", "z", "w"]}, extra={"cedula": CEDULAS})
    score = confidencialidad.evaluate(ctx)
    assert score.value == 10.0 and score.evidence["columnas_que_restan_puntos"] == "ninguna"
    assert score.evidence["columnas_no_publicadas_con_datos_personales"] == 1


def test_headers_that_name_things_do_not_cost_points(tmp_path):
    things = {
        "nombre_de_fondo": ["Ingresos corrientes de Libre Destinación"] * 4,
        "nombre_de_dimension": ["Cali, Solidaria por la Vida"] * 4,
        "nombre_del_proyecto": ["Construcción de la sede de la IEO Pedro Antonio Molina"] * 4,
    }
    score = confidencialidad.evaluate(context(tmp_path, things))
    assert score.value == 10.0, score.evidence


def test_columns_public_by_law_do_not_count(tmp_path):
    public = {
        "privacy": {
            "public_by_law": [
                {"column": "documento", "basis": "Ley 1712 de 2014, art. 10 (SECOP)."}
            ]
        }
    }
    ctx = context(tmp_path, {"documento": CEDULAS}, dataset=public)
    score = confidencialidad.evaluate(ctx)
    assert score.value == 10.0 and score.evidence["columnas_publicas_por_ley"] == 1
