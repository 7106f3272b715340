"""Actualidad: 10 within the declared frequency, 0 beyond it."""

import datetime as dt

from datos_cali.quality.criteria import actualidad
from tests.quality.builders import context

COLUMNS = {"a": ["1"]}


def test_fresh_against_fecha_emision_when_there_is_no_publication(tmp_path):
    ctx = context(tmp_path, COLUMNS)  # issued 2024-06-15, now 2024-06-30, mensual = 31 days
    score = actualidad.evaluate(ctx)
    assert score.value == 10.0
    assert score.evidence == {
        "dias_desde_actualizacion": 15,
        "dias_permitidos": 31,
        "referencia_es_publicacion": 0,
    }


def test_stale_against_fecha_emision(tmp_path):
    ctx = context(
        tmp_path, COLUMNS, dataset={"metadata": {"data": {"fecha_emision": "2024-04-01"}}}
    )
    assert actualidad.evaluate(ctx).value == 0.0


def test_the_last_publication_wins_over_fecha_emision(tmp_path):
    ctx = context(
        tmp_path,
        COLUMNS,
        dataset={"metadata": {"data": {"fecha_emision": "2020-01-01"}}},
        last_updated=dt.datetime(2024, 6, 20, tzinfo=dt.UTC),
    )
    score = actualidad.evaluate(ctx)
    assert score.value == 10.0 and score.evidence["referencia_es_publicacion"] == 1


def test_a_dataset_never_refreshed_is_never_stale(tmp_path):
    ctx = context(
        tmp_path,
        COLUMNS,
        dataset={"frequency": "no aplica", "metadata": {"data": {"fecha_emision": "2001-01-01"}}},
    )
    assert actualidad.evaluate(ctx).value == 10.0
