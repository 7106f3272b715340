"""Conformidad: share of values in standard formats, as they arrived."""

from datos_cali.quality.criteria import conformidad
from tests.quality.builders import context


def test_dates_in_iso_8601(tmp_path):
    ctx = context(
        tmp_path,
        {"fecha": ["2021-01-05", "05/02/2021", "2021-03-05", "2021-04-05"]},
        kinds={"fecha": "date"},
    )
    score = conformidad.evaluate(ctx)
    assert score.evidence["fechas_revisados"] == 4 and score.evidence["fechas_estandar"] == 3
    assert score.value == 7.5


def test_links_and_dane_codes(tmp_path):
    ctx = context(
        tmp_path,
        {
            "enlace": ["https://www.secop.gov.co/x", "www.cali.gov.co"],
            "cod_dane": ["76001", "7600"],
        },
    )
    score = conformidad.evaluate(ctx)
    assert score.evidence["enlaces_estandar"] == 1 and score.evidence["codigos_dane_estandar"] == 1
    assert score.value == 5.0


def test_nothing_to_check_scores_10(tmp_path):
    assert conformidad.evaluate(context(tmp_path, {"texto": ["a"]})).value == 10.0
