"""What a file that is not a table is, and near misses: said in words a clerk recognises."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from datos_cali.reading.sniff import ReadError
from datos_cali.reading.xlsx_file import read_xlsx


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("members", "code", "words"),
    [
        ({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}, "documento_word", "Word"),
        (
            {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
            "documento_odt",
            "documento de texto",
        ),
        (
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
            "hoja_ods",
            ".ods",
        ),
        ({"datos.csv": b"a,b\n1,2\n"}, "comprimido_no_excel", "comprimido (ZIP)"),
    ],
)
def test_a_zip_that_is_not_a_workbook_says_what_it_is(tmp_path, members, code, words):
    path = _zip(tmp_path / "envio.xlsx", members)
    with pytest.raises(ReadError) as caught:
        read_xlsx(path)
    assert caught.value.finding.code == code and words in caught.value.finding.message
    assert (
        "no un libro de Excel" not in caught.value.finding.message or code == "comprimido_no_excel"
    )


def test_a_first_sheet_of_instructions_is_named_as_such(tmp_path):
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Instrucciones"
    first.append(["Diligencie la hoja «Datos» sin cambiar los encabezados."])
    data = workbook.create_sheet("Datos")
    data.append(["Año", "Mes", "Valor"])
    data.append([2021, "enero", 3])
    path = tmp_path / "envio.xlsx"
    workbook.save(path)
    with pytest.raises(ReadError) as caught:
        read_xlsx(path)
    finding = caught.value.finding
    assert finding.code == "hoja_de_instrucciones"
    assert "«Instrucciones»" in finding.message and "«Datos»" in finding.message
    assert "solo tiene el encabezado" not in finding.message
    assert read_xlsx(path, sheet="Datos").headers == ["Año", "Mes", "Valor"]
