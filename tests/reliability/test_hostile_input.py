"""Hostile input: whatever bytes arrive, the reader and the pre-check answer with findings.

Property-based (hypothesis): random bytes, random delimited text in several encodings, random
workbooks. The only acceptable outcomes are a `RawTable` or a `ReadError` carrying a finding;
never another exception, never a hang (hypothesis' deadline).
"""

from __future__ import annotations

import io
import string
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datos_cali.catalog import load_catalog
from datos_cali.contracts import load_contract
from datos_cali.findings import Kind
from datos_cali.precheck import precheck
from datos_cali.reading import ReadError, read_table

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(ROOT / "datasets")
IMAE = CATALOG.datasets["indice-mensual-actividad-economica"]
CONTRACT = load_contract(IMAE.schema_name, ROOT / "schemas")
FUZZ = settings(
    max_examples=60,
    deadline=2000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cell = st.text(alphabet=string.printable + "áéíóúñÑ¿¡€\u00a0\"';,|\t", max_size=12)
# openpyxl refuses to write control characters, so workbooks get printable text only.
xlsx_cell = st.text(alphabet=string.ascii_letters + string.digits + " .,-áéñ", max_size=12)
rows = st.lists(st.lists(cell, min_size=0, max_size=6), min_size=0, max_size=12)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _read_or_finding(path: Path):
    try:
        return read_table(path)
    except ReadError as exc:
        assert exc.finding.message and exc.finding.kind in set(Kind)
        return None


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes_never_raise(tmp_path_factory, data):
    _read_or_finding(_write(tmp_path_factory.mktemp("f"), "x.csv", data))


@FUZZ
@given(
    table=rows,
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_random_delimited_text_never_raises(tmp_path_factory, table, delimiter, encoding, newline):
    text = newline.join(delimiter.join(row) for row in table)
    data = text.encode(encoding, errors="replace")
    raw = _read_or_finding(_write(tmp_path_factory.mktemp("t"), "t.csv", data))
    if raw is not None:
        assert len(raw.row_numbers) == raw.num_rows
        assert all(len(column) == raw.num_rows for column in raw.columns)


@FUZZ
@given(table=rows)
def test_the_precheck_only_ever_returns_findings(tmp_path_factory, table):
    header = ["Año", "Mes", "Índice (2015=100)", "Variación anual (%)"]
    text = "\n".join(";".join(row) for row in [header, *table])
    path = _write(tmp_path_factory.mktemp("p"), "imae.csv", text.encode("cp1252", errors="replace"))
    result = precheck(path, IMAE, CONTRACT)
    assert isinstance(result.publishable, bool)
    assert all(f.message for f in result.findings)
    if table and not result.publishable:
        assert result.errors


@FUZZ
@given(
    table=st.lists(
        st.lists(
            st.one_of(xlsx_cell, st.integers(), st.floats(allow_nan=False), st.none()), max_size=5
        ),
        max_size=8,
    )
)
def test_random_workbooks_never_raise(tmp_path_factory, table):
    book = openpyxl.Workbook()
    for row in table:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    _read_or_finding(_write(tmp_path_factory.mktemp("x"), "x.xlsx", buffer.getvalue()))


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n" + b'"' * 10_000,  # an unterminated quote to the end of the file
        b"a;b\r\n1;2\r\n" + b"\x00" * 10,  # NULs at the end
        "a,b\n1,2\n".encode("utf-16-le") + b"\x00",  # odd-length UTF-16
        b"\xef\xbb\xbf",  # only a BOM
        b"\n\n\n\n",  # only blank lines
        b";;;;\n;;;;\n",  # only delimiters
    ],
)
def test_pathological_files_end_in_findings(tmp_path, data):
    result = precheck(_write(tmp_path, "raro.csv", data), IMAE, CONTRACT)
    assert not result.publishable
    assert result.errors[0].message


def test_formula_injection_is_a_warning_without_the_cell_value(tmp_path):
    text = 'Año;Mes;Índice (2015=100);Variación anual (%)\r\n2016;=HYPERLINK("http://malo");100,6;-1,5\r\n2016;@SUM(A1);100,2;+2\r\n'
    result = precheck(_write(tmp_path, "f.csv", text.encode("cp1252")), IMAE, CONTRACT)
    [warning] = [f for f in result.warnings if f.code == "inyeccion_formula"]
    assert (warning.column, warning.count, warning.rows) == ("Mes", 2, [2, 3])
    assert "HYPERLINK" not in warning.message and "SUM" not in warning.message
    assert not [f for f in result.warnings if f.code == "inyeccion_formula" and f.column != "Mes"]
