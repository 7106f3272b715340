"""Every reading quirk of organismo exports, on files each test writes itself."""

import pyarrow.compute as pc
import pytest

from datos_cali import messages
from datos_cali.findings import Kind, Severity
from datos_cali.reading import ReadError, read_table


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def cells(raw, position):
    return raw.column(position).to_pylist()


def test_cp1252_semicolon_export_with_trailing_empty_columns_and_blank_lines(tmp_path):
    text = "Número;Valor;;\r\n1;$ 1.234.567;;\r\n2;$ 5.000;;\r\n\r\n\r\n"
    raw = read_table(write(tmp_path, "a.csv", text, "cp1252"))
    assert raw.encoding == "cp1252"
    assert raw.delimiter == ";"
    assert raw.decimal_hint == ","
    assert raw.headers == ["Número", "Valor"]
    assert cells(raw, 1) == ["$ 1.234.567", "$ 5.000"]
    assert list(raw.row_numbers) == [2, 3]
    dropped = [f for f in raw.findings if f.code == "columnas_vacias_ignoradas"]
    assert dropped and dropped[0].severity == Severity.INFO and dropped[0].count == 2


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path):
    raw = read_table(write(tmp_path, "b.csv", "\ufeffPERIODO,COD\n20211,176001000017\n"))
    assert raw.headers == ["PERIODO", "COD"]
    assert cells(raw, 1) == ["176001000017"]


def test_tab_delimited_utf16_from_excel_unicode_text(tmp_path):
    path = write(tmp_path, "c.txt", "Comuna\tCasos\r\nComuna 1\t3\r\nSiloé\t4\r\n", "utf-16")
    raw = read_table(path)
    assert raw.delimiter == "\t"
    assert cells(raw, 0) == ["Comuna 1", "Siloé"]


def test_quoted_cells_with_line_breaks_keep_row_numbers_as_records(tmp_path):
    text = 'Riesgo,Causas,Fecha\nR1,"una;\ndos",01/02/2021\nR2,"tres ""citada""\n\ncuatro",02/02/2021\nR3,x,03/02/2021\n'
    raw = read_table(write(tmp_path, "d.csv", text))
    assert cells(raw, 1) == ["una;\ndos", 'tres "citada"\n\ncuatro', "x"]
    assert list(raw.row_numbers) == [2, 3, 4]


def test_blank_lines_in_the_middle_do_not_shift_row_numbers(tmp_path):
    raw = read_table(write(tmp_path, "e.csv", "a,b\n1,2\n\n3,4\n"))
    assert cells(raw, 0) == ["1", "3"]
    assert list(raw.row_numbers) == [2, 4]


def test_rows_missing_only_the_empty_trailing_cells_are_tolerated(tmp_path):
    raw = read_table(write(tmp_path, "f.csv", "a;b;;\n1;2;;\n3;4\n5;6;;;;\n"))
    assert cells(raw, 1) == ["2", "4", "6"]
    assert not [f for f in raw.findings if f.kind == Kind.STRUCTURE and f.severity == "block"]


def test_ragged_rows_are_a_structure_finding_with_their_rows(tmp_path):
    text = "a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14\n"
    raw = read_table(write(tmp_path, "g.csv", text))
    ragged = [f for f in raw.findings if f.code == "filas_irregulares"]
    assert [(f.count, f.rows) for f in ragged] == [(2, [3, 6]), (1, [5])]
    assert all(f.kind == Kind.STRUCTURE and f.severity == Severity.BLOCK for f in ragged)
    assert "2 filas tienen un número de celdas (2) distinto del encabezado (3)" in ragged[0].message
    assert cells(raw, 0) == ["1", "6"]


def test_duplicate_and_empty_headers_are_structure_findings(tmp_path):
    raw = read_table(write(tmp_path, "h.csv", "Comuna,comuna ,,x\n1,2,3,4\n"))
    codes = {f.code: f for f in raw.findings}
    assert codes["encabezado_repetido"].kind == Kind.STRUCTURE
    assert "aparece repetido (columnas 1, 2)" in codes["encabezado_repetido"].message
    assert (
        codes["encabezado_vacio"].message
        == "La columna 3 no tiene nombre en el encabezado y tiene datos."
    )


def test_header_only_file_has_zero_rows(tmp_path):
    raw = read_table(write(tmp_path, "i.csv", "a;b;c\r\n"))
    assert raw.num_rows == 0
    assert raw.headers == ["a", "b", "c"]


def test_a_utf16_file_cut_mid_character_is_an_encoding_finding(tmp_path):
    whole = "\ufeffNombre\tBarrio\r\nJosé\tSiloé\r\n".encode("utf-16-le")
    with pytest.raises(ReadError) as caught:
        read_table(write(tmp_path, "cortado.csv", whole + b"\x01"))
    assert caught.value.finding.code == "codificacion_ilegible"
    assert caught.value.finding.message == messages.ENCODING_UNDECODABLE.format(
        encoding="UTF-16", reason=messages.ENCODING_CUT_CHARACTER
    )


def test_mixed_encodings_are_blocked_with_the_row(tmp_path):
    good = "Nombre,Barrio\nJosé,Siloé\n".encode()
    bad = "Ana,Peñón\n".encode("cp1252")
    with pytest.raises(ReadError) as caught:
        read_table(write(tmp_path, "j.csv", good + bad))
    assert caught.value.finding.kind == Kind.ENCODING
    assert caught.value.finding.code == "codificacion_mezclada"
    assert "fila 3" in caught.value.finding.message


def test_latin1_beyond_the_sample_falls_back_instead_of_failing(tmp_path):
    head = "a,b\n" + "x,y\n" * 100_000
    tail = "ñandú,cigüeña\n"
    raw = read_table(write(tmp_path, "k.csv", (head + tail).encode("cp1252")))
    assert cells(raw, 0)[-1] == "ñandú"


@pytest.mark.parametrize(
    ("data", "kind", "code"),
    [
        (b"", Kind.EMPTY, "archivo_vacio"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", Kind.FORMAT, "no_es_tabla"),
        (bytes(range(256)) * 64, Kind.FORMAT, "no_es_tabla"),
        (b"PK\x03\x04not really a zip", Kind.FORMAT, "excel_danado"),
    ],
)
def test_bad_input_is_a_finding_not_a_traceback(tmp_path, data, kind, code):
    with pytest.raises(ReadError) as caught:
        read_table(write(tmp_path, "bad.csv", data))
    assert (caught.value.finding.kind, caught.value.finding.code) == (kind, code)
    assert caught.value.finding.message


def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_MAX_FILE_BYTES", "100")
    with pytest.raises(ReadError) as caught:
        read_table(write(tmp_path, "big.csv", "a,b\n" + "1,2\n" * 100))
    assert caught.value.finding.code == "archivo_demasiado_grande"
    assert "más de lo que este equipo puede procesar" in caught.value.finding.message


def test_wrong_extension_is_read_by_content_with_a_warning(tmp_path):
    raw = read_table(write(tmp_path, "datos.xlsx", "a,b\n1,2\n"))
    warning = [f for f in raw.findings if f.code == "extension_no_corresponde"]
    assert warning and warning[0].severity == Severity.WARN
    assert cells(raw, 1) == ["2"]


def test_large_file_is_read_without_the_slow_path(tmp_path):
    rows = "\n".join(f"{i},Comuna {i % 22 + 1},{i * 1.5}" for i in range(200_000))
    raw = read_table(write(tmp_path, "big.csv", "id,comuna,valor\n" + rows + "\n"))
    assert raw.num_rows == 200_000
    assert raw.row_numbers[-1] == 200_001
    assert pc.count_distinct(raw.column(1)).as_py() == 22
