"""Office artefacts: Excel's error values, the catalog's «no data» markers, the accounting zero,
and int64 read exactly to its bounds."""

import pyarrow as pa
import pytest

from datos_cali.reading import artefacts
from datos_cali.reading.values import parse_number


@pytest.mark.parametrize(
    "value",
    ["#N/D", "#N/A", "#¡VALOR!", "#VALUE!", "#REF!", "#¡REF!", "#DIV/0!", "#¿NOMBRE?", "#NAME?",
     "#NUM!", "#NULL!", "#¡NULO!", " #n/d ", "#SPILL!", "#¡DESBORDAMIENTO!", "#CALC!"],
)  # fmt: skip
def test_excel_error_values_in_spanish_and_english(value):
    assert artefacts.excel_errors(pa.array([value, "45", None])).tolist() == [True, False, False]


@pytest.mark.parametrize("value", ["#1", "# de casos", "#N/Dato", "N/D", "Calle 5 # 4-55"])
def test_what_is_not_an_excel_error(value):
    assert not artefacts.excel_errors(pa.array([value])).any()


def test_markers_and_errors_become_empty():
    values = pa.array([".", " N.A. ", "#N/D", "dato", None, "n.a."])
    blanked = artefacts.blank_out(values, [".", "N.A."])
    assert blanked.to_pylist() == [None, None, None, "dato", None, None]
    same = pa.array(["a", "b"])
    assert artefacts.blank_out(same, []) is same  # nothing to do: no copy


def test_the_accounting_zero_is_zero_in_a_numeric_column():
    parsed = parse_number(
        pa.array([" -   ", "-", " 224.436.000 ", "-176.372.340 "]), integer=False, decimal_hint=","
    )
    assert parsed.values.to_pylist() == [0.0, 0.0, 224436000.0, -176372340.0]
    assert not parsed.invalid.any()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-9223372036854775807", -9223372036854775807),
        ("-9223372036854775808", -9223372036854775808),
        ("9223372036854775807", 9223372036854775807),
        ("0009223372036854775807", 9223372036854775807),
        ("123456789012345678", 123456789012345678),
    ],
)
def test_int64_is_read_exactly_to_its_bounds(text, value):
    parsed = parse_number(pa.array([text]), integer=True)
    assert parsed.values.to_pylist() == [value] and not parsed.invalid.any()


@pytest.mark.parametrize("text", ["9223372036854775808", "-9223372036854775809", "1" * 20])
def test_beyond_int64_is_not_an_integer(text):
    parsed = parse_number(pa.array([text]), integer=True)
    assert parsed.values.to_pylist() == [None] and parsed.invalid.tolist() == [True]
