"""Precisión: 10·(temporal level / 3 + spatial level / 3) / 2."""

from datos_cali.quality.criteria import precision
from tests.quality.builders import context


def test_dates_and_comunas(tmp_path):
    ctx = context(
        tmp_path,
        {"fecha": ["2021-01-05"], "comuna": ["Comuna 1"]},
        kinds={"fecha": "date"},
        rules={"comuna": {"comuna_cali": {"rural": True}}},
    )
    score = precision.evaluate(ctx)
    assert score.evidence == {"nivel_temporal": 3, "nivel_territorial": 2}
    assert score.value == 8.3


def test_monthly_city_wide_figures(tmp_path):
    ctx = context(tmp_path, {"mes": ["enero"], "valor": ["1"]})
    assert precision.evaluate(ctx).value == 5.0  # (2/3 + 1/3) / 2


def test_coordinates_and_no_time(tmp_path):
    coordinates = {"coordinates": {"latitude": "latitud", "longitude": "longitud"}}
    ctx = context(
        tmp_path,
        {"latitud": ["3.4"], "longitud": ["-76.5"]},
        kinds={"latitud": "number", "longitud": "number"},
        dataset=coordinates,
    )
    assert precision.evaluate(ctx).evidence == {"nivel_temporal": 0, "nivel_territorial": 3}
    assert precision.evaluate(ctx).value == 5.0


def test_no_time_no_place(tmp_path):
    assert precision.evaluate(context(tmp_path, {"valor": ["1"]})).value == 1.7
