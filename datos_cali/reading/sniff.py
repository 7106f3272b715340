"""Guess what a file is from its first bytes: container format, text encoding, delimiter."""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes

from datos_cali import messages
from datos_cali.findings import Finding, Kind

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (";", ",", "\t", "|")
_SNIFF_RECORDS = 200

_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "imagen PNG"),
    (b"\xff\xd8\xff", "imagen JPEG"),
    (b"GIF8", "imagen GIF"),
    (b"\x1f\x8b", "comprimido GZIP"),
    (b"Rar!", "comprimido RAR"),
    (b"7z\xbc\xaf", "comprimido 7z"),
    (b"MZ", "programa ejecutable"),
    (b"\x7fELF", "programa ejecutable"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


class ReadError(Exception):
    """The file cannot be read as a table; carries the finding that says why."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def fail(kind: Kind, code: str, message: str) -> ReadError:
    return ReadError(Finding(kind=kind, code=code, message=message))


def container_format(head: bytes) -> str:
    """'xlsx' or 'text'; anything else raises a `format` ReadError."""
    if not head:
        raise fail(Kind.EMPTY, "archivo_vacio", messages.FORMAT_EMPTY_FILE)
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_OLE2):
        raise fail(Kind.FORMAT, "excel_antiguo", messages.FORMAT_OLD_EXCEL)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise fail(Kind.FORMAT, "no_es_tabla", messages.FORMAT_BINARY.format(what=what))
    return "text"


@dataclass(frozen=True)
class TextEncoding:
    name: str  # a Python codec name
    bom: bool


def detect_encoding(sample: bytes, declared: str | None = None) -> TextEncoding:
    """BOMs first, then strict UTF-8, then charset-normalizer among the usual Spanish code pages."""
    if declared:
        return TextEncoding(codecs.lookup(declared).name, bom=False)
    if sample.startswith(codecs.BOM_UTF8):
        return TextEncoding("utf-8-sig", bom=True)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return TextEncoding("utf-16", bom=True)
    utf16 = _bomless_utf16(sample)
    if utf16:
        return TextEncoding(utf16, bom=False)
    if b"\x00" in sample:
        raise fail(
            Kind.FORMAT, "no_es_tabla", messages.FORMAT_BINARY.format(what="contiene bytes nulos")
        )
    if _is_utf8(sample):
        return TextEncoding("utf-8", bom=False)
    row = mixed_encoding_row(sample)
    if row is not None:
        raise fail(Kind.ENCODING, "codificacion_mezclada", messages.ENCODING_MIXED.format(row=row))
    best = from_bytes(sample, cp_isolation=["cp1252", "latin_1", "utf_8"]).best()
    name = best.encoding if best is not None else "latin_1"
    if name == "utf_8":  # charset-normalizer tolerates a few bad bytes; we do not
        name = "cp1252"
    return TextEncoding(codecs.lookup(name).name, bom=False)


def _bomless_utf16(sample: bytes) -> str | None:
    even, odd = sample[0:4096:2], sample[1:4096:2]
    if len(sample) < 4:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _is_utf8(sample: bytes) -> bool:
    """Strict UTF-8, forgiving only a multi-byte character cut at the end of the sample."""
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"


def mixed_encoding_row(data: bytes, *, seen_utf8: bool = False, rows_before: int = 0) -> int | None:
    """The row of the first invalid UTF-8 byte when valid UTF-8 accents came before it.

    Valid multi-byte sequences next to invalid bytes mean two exports were pasted together; a
    plain cp1252 file almost never forms valid UTF-8 sequences by accident.
    """
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return None
        before = data[: exc.start]
        if not seen_utf8 and before.decode("utf-8", errors="ignore").isascii():
            return None
        return rows_before + before.count(b"\n") + 1


def detect_delimiter(text_sample: str, declared: str | None = None) -> str:
    """The candidate that splits the first records into the most consistent number of cells."""
    if declared:
        return declared
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text_sample, newline=""), delimiter=delimiter)
        widths = []
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    widths.append(len(record))
                if len(widths) >= _SNIFF_RECORDS:
                    break
        except csv.Error:  # e.g. a cell longer than the csv module's field limit (128 KiB)
            if len(widths) < 2:
                continue
            widths.append(0)  # the records before it still count; this one is dropped below
        if len(widths) > 1:  # the last record may be cut by the sample
            widths = widths[:-1] if len(widths) > 2 else widths
        if not widths:
            continue
        width, hits = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        score = (hits / len(widths), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best
