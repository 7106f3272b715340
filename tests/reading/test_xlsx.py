import datetime as dt
import zipfile

import openpyxl
import pytest

from datos_cali.findings import Kind
from datos_cali.reading import ReadError, read_table


def workbook(path, rows, title="Hoja1", extra_sheets=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name in extra_sheets:
        book.create_sheet(name).append(["otra"])
    book.save(path)
    return path


def test_long_codes_numbers_and_dates_become_the_text_people_saw(tmp_path):
    path = workbook(
        tmp_path / "p.xlsx",
        [
            ["Número Predial", "Área", "Avalúo", "Fecha", "Hora"],
            [
                "760010102022126452774000001318",
                4427.83,
                2607028000,
                dt.datetime(2021, 3, 15),
                dt.datetime(2021, 3, 15, 10, 30),
            ],
        ],
    )
    raw = read_table(path)
    assert raw.source_format == "xlsx"
    assert [raw.column(i).to_pylist()[0] for i in range(5)] == [
        "760010102022126452774000001318",
        "4427.83",
        "2607028000",
        "2021-03-15",
        "2021-03-15T10:30:00",
    ]
    assert list(raw.row_numbers) == [2]


def test_title_rows_above_the_header_are_skipped_and_rows_keep_excel_numbers(tmp_path):
    path = workbook(
        tmp_path / "t.xlsx",
        [
            ["Reporte de áreas — corte 2021"],
            [],
            ["Código", "Área", "Estado"],
            ["AC-1", 10, "Pendiente"],
            [],
            ["AC-2", 20, "Entregada"],
        ],
    )
    raw = read_table(path)
    assert raw.headers == ["Código", "Área", "Estado"]
    assert raw.column(0).to_pylist() == ["AC-1", "AC-2"]
    assert list(raw.row_numbers) == [4, 6]


def test_a_declared_sheet_is_read_and_a_missing_one_is_named(tmp_path):
    path = workbook(tmp_path / "s.xlsx", [["a"], [1]], extra_sheets=["Datos"])
    assert read_table(path, sheet="Datos").headers == ["otra"]
    with pytest.raises(ReadError) as caught:
        read_table(path, sheet="Resumen")
    assert caught.value.finding.code == "hoja_inexistente"
    assert "«Hoja1», «Datos»" in caught.value.finding.message


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "fotos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("foto.txt", "hola")
    with pytest.raises(ReadError) as caught:
        read_table(path)
    assert (caught.value.finding.kind, caught.value.finding.code) == (
        Kind.FORMAT,
        "comprimido_no_excel",
    )


def test_decompression_bombs_are_refused_before_parsing(tmp_path, monkeypatch):
    path = workbook(tmp_path / "b.xlsx", [["a"], [1]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (3 * 1024**2))
    monkeypatch.setenv("DATOS_CALI_XLSX_MAX_BYTES", str(1024**2))
    with pytest.raises(ReadError) as caught:
        read_table(path)
    assert caught.value.finding.code == "excel_demasiado_grande"
    assert "al descomprimirlo" in caught.value.finding.message


def test_an_old_xls_gets_a_specific_message(tmp_path):
    path = tmp_path / "viejo.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(ReadError) as caught:
        read_table(path)
    assert "Excel 97-2003" in caught.value.finding.message
