import codecs

import pytest

from datos_cali.findings import Kind
from datos_cali.reading.sniff import (
    ReadError,
    container_format,
    detect_delimiter,
    detect_encoding,
)

TEXT = "Número;Comuna;Valor\n1;Comuna 1;1.234,5\n2;Siloé;2,5\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_encoding_is_detected_from_the_bytes(data, expected):
    assert detect_encoding(data).name == expected


def test_a_declared_encoding_wins():
    assert detect_encoding(TEXT.encode("utf-8"), declared="latin-1").name == "iso8859-1"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_the_one_that_splits_consistently(delimiter):
    sample = "\n".join(
        delimiter.join(["a", "b c", "d,e" if delimiter != "," else "d"]) for _ in range(5)
    )
    assert detect_delimiter(sample) == delimiter


def test_delimiter_sees_through_quoted_line_breaks():
    sample = 'a,b,c\n1,"x;\ny;z",3\n2,"w",4\n'
    assert detect_delimiter(sample) == ","


@pytest.mark.parametrize(
    ("head", "code"),
    [
        (b"%PDF-1.4 ...", "no_es_tabla"),
        (b"\x89PNG\r\n\x1a\n....", "no_es_tabla"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "excel_antiguo"),
    ],
)
def test_non_tables_are_refused_as_format(head, code):
    with pytest.raises(ReadError) as caught:
        container_format(head)
    assert caught.value.finding.kind == Kind.FORMAT
    assert caught.value.finding.code == code


def test_empty_bytes_are_an_empty_finding():
    with pytest.raises(ReadError) as caught:
        container_format(b"")
    assert caught.value.finding.kind == Kind.EMPTY


def test_nul_bytes_without_utf16_pattern_are_binary():
    with pytest.raises(ReadError) as caught:
        detect_encoding(bytes(range(256)) * 4)
    assert caught.value.finding.kind == Kind.FORMAT
