"""Comprensibilidad: description length, described columns and tags, a third each."""

from datos_cali.quality.criteria import comprensibilidad
from tests.quality.builders import context


def test_long_description_described_columns_three_tags(tmp_path):
    assert comprensibilidad.evaluate(context(tmp_path, {"a": ["1"]})).value == 10.0


def test_short_description_and_one_tag(tmp_path):
    short = {
        "description": "Descripción corta del conjunto de prueba.",  # 41 characters
        "metadata": {"tags": ["pruebas"]},
    }
    score = comprensibilidad.evaluate(context(tmp_path, {"a": ["1"]}, dataset=short))
    assert score.evidence["largo_descripcion"] == 41 and score.evidence["etiquetas"] == 1
    assert score.value == 5.4  # 10·(41/150 + 1 + 1/3) / 3
