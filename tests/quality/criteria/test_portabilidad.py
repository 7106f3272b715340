"""Portabilidad: 0.5·format + 0.25·Conformidad + 0.25·Completitud."""

import pytest

from datos_cali.quality.criteria import portabilidad
from tests.quality.builders import context


@pytest.mark.parametrize(("source_format", "value"), [("csv", 10.0), ("xlsx", 8.0), ("pdf", 6.0)])
def test_open_formats_score_higher(tmp_path, source_format, value):
    ctx = context(tmp_path, {"a": ["1"]}, source_format=source_format)
    assert portabilidad.evaluate(ctx).value == value


def test_conformity_and_completeness_weigh_in(tmp_path):
    # Completitud 6.7 (see its test) and Conformidad 10: 5 + 2.5 + 0.25·6.7 = 9.2
    ctx = context(tmp_path, {"a": ["1", "2", "3", "4"], "b": [None, None, None, "x"]})
    score = portabilidad.evaluate(ctx)
    assert score.evidence == {"formato": 10, "conformidad": 10.0, "completitud": 6.7}
    assert score.value == 9.2
