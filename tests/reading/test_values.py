import datetime as dt

import pyarrow as pa
import pytest

from datos_cali.reading.values import parse_bool, parse_date, parse_number


def numbers(values, **kwargs):
    parsed = parse_number(pa.array(values), **{"integer": False, **kwargs})
    return parsed.values.to_pylist(), parsed.invalid.tolist()


def test_money_thousands_dots_and_decimal_commas():
    values, invalid = numbers(
        ["$ 1.234.567", "$ 2.388.464.000", "COP 5.000,50", "(1.500)", " 12 % "], decimal_hint=","
    )
    assert values == [1234567.0, 2388464000.0, 5000.5, -1500.0, 12.0]
    assert invalid == [False] * 5


def test_decimal_comma_with_three_decimals_in_a_spanish_export():
    assert numbers(["74,110", "5,243"], decimal_hint=",")[0] == [74.11, 5.243]


def test_the_same_shape_in_an_english_export_is_thousands():
    assert numbers(["74,110", "5,243"], decimal_hint=".")[0] == [74110.0, 5243.0]


def test_both_separators_decide_by_position():
    assert numbers(["1.234,56", "7,5"], decimal_hint=".")[0] == [1234.56, 7.5]
    assert numbers(["1,234.56", "7.5"], decimal_hint=",")[0] == [1234.56, 7.5]


def test_a_declared_decimal_mark_overrides_inference():
    assert numbers(["1.234"], decimal_hint=",", decimal=".")[0] == [1.234]


def test_non_numbers_are_marked_not_silently_null():
    values, invalid = numbers(["12", "doce", "", "1,2,3x"], decimal_hint=",")
    assert values == [12.0, None, None, None]
    assert invalid == [False, True, False, True]


def test_integers_accept_grouping_and_zero_decimals_only():
    parsed = parse_number(
        pa.array(["1.234.567", "3,0", "3,5", "176001000017"]), integer=True, decimal_hint=","
    )
    assert parsed.values.to_pylist() == [1234567, 3, None, 176001000017]
    assert parsed.invalid.tolist() == [False, False, True, False]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/03/2021", dt.date(2021, 3, 15)),
        ("1/3/2021", dt.date(2021, 3, 1)),
        ("15-03-2021", dt.date(2021, 3, 15)),
        ("15/03/21", dt.date(2021, 3, 15)),
        ("2021-03-15", dt.date(2021, 3, 15)),
        ("2021/03/15", dt.date(2021, 3, 15)),
        ("2021-03-15T10:30:00", dt.date(2021, 3, 15)),
        ("15 de marzo de 2021", dt.date(2021, 3, 15)),
        ("15-mar-2021", dt.date(2021, 3, 15)),
        ("15 Sept. 2021", dt.date(2021, 9, 15)),
        ("marzo de 2021", dt.date(2021, 3, 1)),
        ("2021-01", dt.date(2021, 1, 1)),
        ("29/02/2020", dt.date(2020, 2, 29)),
    ],
)
def test_spanish_dates(text, expected):
    parsed = parse_date(pa.array([text]))
    assert parsed.values.to_pylist() == [expected]


def test_impossible_dates_are_reported_apart_from_unreadable_ones():
    parsed = parse_date(pa.array(["31/02/2021", "29/02/2021", "2021-13-01", "mañana", "", None]))
    assert parsed.values.to_pylist() == [None] * 6
    assert parsed.impossible.tolist() == [True, True, True, False, False, False]
    assert parsed.invalid.tolist() == [False, False, False, True, False, False]


def test_datetimes_with_spanish_am_pm():
    parsed = parse_date(pa.array(["15/03/2021 02:15 p. m.", "2021-03-15 08:05:09"]), with_time=True)
    assert parsed.values.to_pylist() == [
        dt.datetime(2021, 3, 15, 14, 15),
        dt.datetime(2021, 3, 15, 8, 5, 9),
    ]


def test_booleans_in_spanish():
    parsed = parse_bool(pa.array(["Sí", "NO", "x", "", "quizá"]))
    assert parsed.values.to_pylist() == [True, False, True, None, None]
    assert parsed.invalid.tolist() == [False, False, False, False, True]
