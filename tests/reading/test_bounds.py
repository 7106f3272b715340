"""The reader's bounds (issue 18): columns and cells counted before typing, workbooks streamed
with their declared dimension ignored, a cell longer than the csv module's field limit."""

from __future__ import annotations

import openpyxl
import pytest

from datos_cali.reading import ReadError, read_table
from tests.fixtures.hostile import sparse_xlsx, wide_csv


def test_more_columns_than_a_portal_holds_are_refused_before_parsing(tmp_path):
    with pytest.raises(ReadError) as refused:
        read_table(wide_csv(tmp_path / "ancho.csv", columns=1601))
    assert refused.value.finding.code == "demasiadas_columnas"
    assert read_table(wide_csv(tmp_path / "justo.csv", columns=1600)).num_rows == 1


def test_too_many_cells_are_refused_before_typing(tmp_path, monkeypatch):
    path = tmp_path / "celdas.csv"
    path.write_text("a,b\n" + "1,2\n" * 50, encoding="utf-8")
    monkeypatch.setenv("DATOS_CALI_MAX_CELLS", "99")
    with pytest.raises(ReadError) as refused:
        read_table(path)
    assert refused.value.finding.code == "demasiadas_celdas"
    assert "demasiadas celdas (más de 99" in refused.value.finding.message
    monkeypatch.setenv("DATOS_CALI_MAX_CELLS", "100")
    assert read_table(path).num_rows == 50


def test_a_workbook_is_streamed_and_refused_as_its_cells_pass_the_bound(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    for row in [["a", "b"], *[[i, i] for i in range(100)]]:
        book.active.append(row)
    book.save(tmp_path / "libro.xlsx")
    monkeypatch.setenv("DATOS_CALI_MAX_CELLS", "50")
    with pytest.raises(ReadError) as refused:
        read_table(tmp_path / "libro.xlsx")
    assert refused.value.finding.code == "demasiadas_celdas"


def test_the_declared_dimension_is_ignored(tmp_path):
    raw = read_table(sparse_xlsx(tmp_path / "lejos.xlsx", far="C1048576"))
    assert raw.headers[:2] == ["Año", "Mes"] and len(raw.headers) == 3 and raw.num_rows == 2
    assert list(raw.row_numbers) == [2, 1048576]


def test_a_cell_longer_than_the_csv_field_limit_does_not_hide_the_delimiter(tmp_path):
    path = tmp_path / "largo.csv"
    rows = ["Año;Mes;Nota", "2021;enero;corta", "2021;febrero;" + "x" * 300_000]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    raw = read_table(path)
    assert raw.delimiter == ";" and raw.headers == ["Año", "Mes", "Nota"]
