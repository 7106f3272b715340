import datetime as dt

import pandas as pd

import datos_cali.contracts.checks  # noqa: F401  (registers the checks)
from datos_cali.contracts.checks import column_ge, comuna_cali, document_number, not_in_future


def strings(values):
    return pd.Series(values, dtype=pd.StringDtype("pyarrow"))


def test_comuna_cali_accepts_comunas_and_optionally_corregimientos():
    values = strings(["Comuna 1", "COMUNA 22", "Comuna 23", "Rural - Pichindé", "Pance", None])
    assert comuna_cali(values, rural=True).tolist() == [True, True, False, True, True, True]
    assert comuna_cali(values, rural=False).tolist() == [True, True, False, False, False, True]


def test_not_in_future_allows_a_tolerance():
    today = dt.date.today()
    values = pd.Series([today, today + dt.timedelta(days=1), today + dt.timedelta(days=5), None])
    assert not_in_future(values, tolerance_days=1).tolist() == [True, True, False, True]


def test_document_number_checks_nit_digit_and_cc_shape():
    frame = pd.DataFrame(
        {
            "tipo": strings(["NIT", "NIT", "CC", "CC", "C.C.", "NIT"]),
            "numero": strings(
                ["811523101-2", "811523101-3", "29306332", "12", "1.130.652.661", None]
            ),
        }
    )
    result = document_number(frame, type_column="tipo", number_column="numero")
    assert result.tolist() == [True, False, True, False, True, True]


def test_column_ge_compares_across_fields():
    frame = pd.DataFrame(
        {
            "fin": [dt.date(2021, 5, 1), dt.date(2021, 1, 1), dt.date(2020, 12, 31), None],
            "inicio": [dt.date(2021, 1, 1)] * 4,
        }
    )
    assert column_ge(frame, column="fin", other="inicio").tolist() == [True, True, False, True]
