"""Delimited text (CSV, TSV, semicolon exports) through pyarrow, with a stdlib-csv fallback.

pyarrow parses in C++ and in parallel; when it meets a record whose width differs from the
header it cannot tell us where, so such files are re-read with Python's `csv` module, which can
(they are rare, and are blocked anyway unless the difference is only empty trailing cells).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from datos_cali import deadline, messages
from datos_cali.findings import Finding, Kind, Severity, first_rows
from datos_cali.reading import limits
from datos_cali.reading.sniff import (
    TextEncoding,
    detect_delimiter,
    detect_encoding,
    fail,
    mixed_encoding_row,
)
from datos_cali.reading.table import RawTable
from datos_cali.spanish import agree

BLOCK_SIZE = 16 * 1024**2
# Files larger than this keep their repetitive columns dictionary-encoded while parsing: about
# 4 bytes a cell instead of the text (a 5-million-row export: 235 MB instead of 615 MB).
DICTIONARY_MIN_BYTES = 4 * 1024**2
# Distinct values per sampled row at or below which a column is read dictionary-encoded. Looser
# than the 0.2 that decides what repeats (`table.REPETITIVE`): a sample of a few thousand rows
# holds every day of a year of dates only once, and a dictionary never hurts a column that
# repeats at all (it is decoded when it turns out not to).
REPETITIVE_SAMPLE = 0.5
MIN_SAMPLE_ROWS = 200
_SPANISH_LOCALE_DELIMITERS = (";", "\t")


class _Ragged(Exception):
    """pyarrow met records of the wrong width: re-read with the stdlib parser."""


def read_csv(
    path: Path, head: bytes, *, encoding: str | None = None, delimiter: str | None = None
) -> RawTable:
    text_encoding = detect_encoding(head, encoding)
    try:
        return _read(path, head, text_encoding, delimiter)
    except _InvalidUtf8:
        text_encoding = _fallback_encoding(path)
        return _read(path, head, text_encoding, delimiter)


def _read(path: Path, head: bytes, enc: TextEncoding, delimiter: str | None) -> RawTable:
    sample = head.decode(enc.name, errors="replace")
    if sample.startswith("\ufeff"):
        sample = sample[1:]
    delim = detect_delimiter(sample, delimiter)
    width = _header_width(sample, delim)
    if width == 0:
        raise fail(Kind.EMPTY, "sin_encabezado", messages.EMPTY_NO_HEADER)
    limits.check_size(width, 0)  # 100,000 columns are refused before the file is parsed
    ending = _check_ending(path, enc, delim, width)
    known = _sample(path, head, enc, delim, width)
    try:
        cells, row_numbers = _read_with_arrow(
            path, enc, delim, width, quoted='"' in sample, known=known
        )
        ragged: list[Finding] = []
    except _Ragged:
        try:
            cells, row_numbers, ragged = _read_with_stdlib(path, enc, delim)
        except csv.Error as exc:
            raise fail(
                Kind.STRUCTURE, "csv_ilegible", messages.STRUCTURE_UNPARSEABLE.format(reason=exc)
            ) from None
    headers = [str(value).strip() for value in cells.pop("header")]
    raw = RawTable(
        headers=headers,
        columns=cells["columns"],
        row_numbers=row_numbers,
        source_format="csv",
        decimal_hint="," if delim in _SPANISH_LOCALE_DELIMITERS else ".",
        encoding=enc.name,
        delimiter=delim,
    )
    raw.findings.extend(ragged)
    if ending is not None:
        raw.findings.append(ending)
    return raw


# --- a file that ends mid-record ---------------------------------------------------------------

TAIL_BYTES = 64 * 1024


def _check_ending(path: Path, enc: TextEncoding, delim: str, width: int) -> Finding | None:
    """A file still being copied, or cut, ends mid-record: refuse it (a `ReadError`) rather
    than publish its first rows. Signs: an odd number of quotes (a quoted text left open) or a
    last line narrower than the header. A file that merely lacks the final line break gets a
    warning (some tools write it so)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - TAIL_BYTES))
        tail = handle.read()
    if enc.name.startswith("utf-16"):
        return None  # rare, and two bytes a character: the reader's own checks cover it
    if not tail or tail.endswith((b"\n", b"\r")):
        return None
    if _quotes(path) % 2:
        why = messages.STRUCTURE_CUT_OPEN_QUOTE
    else:
        last = tail[tail.rfind(b"\n") + 1 :].decode(enc.name, errors="replace")
        if not last.strip():
            return None  # trailing blanks after the last line break: nothing cut
        cells = 0 if '"' in last else last.count(delim) + 1
        if not cells or cells >= width:
            return Finding(
                kind=Kind.STRUCTURE,
                code="sin_salto_final",
                severity=Severity.WARN,
                message=messages.STRUCTURE_NO_FINAL_NEWLINE,
            )
        why = messages.STRUCTURE_CUT_NARROW
    raise fail(Kind.STRUCTURE, "archivo_cortado", messages.STRUCTURE_CUT_SHORT.format(why=why))


def _quotes(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(BLOCK_SIZE):
            count += chunk.count(b'"')
    return count


def _header_width(sample: str, delimiter: str) -> int:
    try:
        for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in record):
                return len(record)
    except csv.Error as exc:
        raise fail(
            Kind.STRUCTURE, "csv_ilegible", messages.STRUCTURE_UNPARSEABLE.format(reason=exc)
        ) from None
    return 0


# --- the fast path ----------------------------------------------------------------------------


class _InvalidUtf8(Exception):
    pass


def _arrow_encoding(enc: TextEncoding) -> str:
    return "utf8" if enc.name in ("utf-8", "utf-8-sig") else enc.name


@dataclass(frozen=True)
class _Sample:
    """What the first rows tell before the whole file is parsed."""

    header: list[str] | None = None  # parsed from the sample when skipping it is safe
    repetitive: frozenset[int] = frozenset()  # columns to read dictionary-encoded


def _sample(path: Path, head: bytes, enc: TextEncoding, delim: str, width: int) -> _Sample:
    """The header and the columns whose first rows repeat a few values, in files big enough
    for it to matter.

    Repetition is only a guess from the sample: a column that stops repeating later is still
    read right (its dictionary just grows), and one that starts repeating later is read as
    plain text. The header is taken from the sample only when its line has no quotes (so it
    is exactly one line and the reader can skip it), which keeps it out of the dictionaries.
    """
    if path.stat().st_size < DICTIONARY_MIN_BYTES or enc.name.startswith("utf-16"):
        return _Sample()
    cut = head.rfind(b"\n")
    if cut <= 0:
        return _Sample()
    names = [f"c{i}" for i in range(width)]
    try:
        sample = pacsv.read_csv(
            io.BytesIO(head[: cut + 1]),
            read_options=pacsv.ReadOptions(column_names=names, encoding=_arrow_encoding(enc)),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return _Sample()
    first_line = head[: head.find(b"\n")]
    header = None if b'"' in first_line else [sample.column(i)[0].as_py() for i in range(width)]
    body = sample.slice(1)
    if body.num_rows < MIN_SAMPLE_ROWS:
        return _Sample(header)
    limit = body.num_rows * REPETITIVE_SAMPLE
    repetitive = frozenset(
        i for i in range(width) if pc.count_distinct(body.column(i)).as_py() <= limit
    )
    return _Sample(header, repetitive)


def _read_with_arrow(
    path: Path,
    enc: TextEncoding,
    delim: str,
    width: int,
    *,
    quoted: bool,
    known: _Sample = _Sample(),
):
    names = [f"c{i}" for i in range(width)]
    repetitive = known.repetitive
    text = pa.dictionary(pa.int32(), pa.string())
    invalid: list[int] = []

    def on_invalid_row(row) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    read_options = pacsv.ReadOptions(
        column_names=names,
        block_size=BLOCK_SIZE,
        encoding=_arrow_encoding(enc),
        skip_rows=0 if known.header is None else 1,
    )
    parse_options = pacsv.ParseOptions(
        delimiter=delim,
        newlines_in_values=quoted,
        ignore_empty_lines=False,
        invalid_row_handler=on_invalid_row,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={
            name: text if i in repetitive else pa.string() for i, name in enumerate(names)
        },
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        table = pacsv.read_csv(
            path,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    except UnicodeDecodeError as exc:  # a UTF-16 file cut mid-character: Python's codec says so
        raise fail(
            Kind.ENCODING,
            "codificacion_ilegible",
            messages.ENCODING_UNDECODABLE.format(encoding=enc.name.upper(), reason=_why(exc)),
        ) from None
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc) or "UTF-8" in str(exc):
            _raise_if_mixed(path)
            raise _InvalidUtf8 from exc
        if not quoted:
            return _read_with_arrow(path, enc, delim, width, quoted=True, known=known)
        raise _Ragged from exc
    if invalid:
        raise _Ragged
    if known.header is not None:
        header, body = known.header, table
    elif table.num_rows == 0:
        raise fail(Kind.EMPTY, "sin_encabezado", messages.EMPTY_NO_HEADER)
    else:
        header, body = [table.column(i)[0].as_py() for i in range(width)], table.slice(1)
    columns = [body.column(i) for i in range(width)]
    row_numbers = np.arange(2, body.num_rows + 2, dtype=np.int64)
    return {"header": header, "columns": columns}, row_numbers


def _why(exc: UnicodeDecodeError) -> str:
    cut = exc.reason in ("truncated data", "unexpected end of data")
    return messages.ENCODING_CUT_CHARACTER if cut else messages.ENCODING_FOREIGN_BYTES


# --- encodings that lie -----------------------------------------------------------------------


def _raise_if_mixed(path: Path) -> None:
    """Valid UTF-8 accents next to invalid bytes: two exports pasted together. Block it."""
    newlines, seen_utf8, carry = 0, False, b""
    with path.open("rb") as handle:
        while chunk := handle.read(BLOCK_SIZE):
            data = carry + chunk
            cut = data.rfind(b"\n") + 1 or len(data)
            data, carry = data[:cut], data[cut:]
            row = mixed_encoding_row(data, seen_utf8=seen_utf8, rows_before=newlines)
            if row is not None:
                raise fail(
                    Kind.ENCODING, "codificacion_mezclada", messages.ENCODING_MIXED.format(row=row)
                )
            if not data.isascii():
                try:
                    data.decode("utf-8")
                    seen_utf8 = True
                except UnicodeDecodeError:
                    return  # a non-UTF-8 file: the caller re-detects its code page
            newlines += data.count(b"\n")


def _fallback_encoding(path: Path) -> TextEncoding:
    from charset_normalizer import from_path

    best = from_path(path, cp_isolation=["cp1252", "latin_1"]).best()
    name = best.encoding if best is not None else "latin_1"
    return TextEncoding(codecs.lookup(name).name, bom=False)


# --- the careful path -------------------------------------------------------------------------


def _read_with_stdlib(path: Path, enc: TextEncoding, delim: str):
    """Re-read with `csv`, tolerating empty trailing cells and reporting truly ragged records."""
    with path.open(encoding=enc.name, newline="", errors="replace") as handle:
        reader = csv.reader(handle, delimiter=delim)
        header = next(reader, [])
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        width = len(header)
        empty_tail = width - len(_rstrip_empty(header))
        columns: list[list[str]] = [[] for _ in range(width)]
        row_numbers: list[int] = []
        ragged: dict[int, list[int]] = {}
        for row_number, record in enumerate(reader, start=2):
            if row_number % 65536 == 0:
                deadline.check("lectura del CSV")
            if len(record) > width and not any(c.strip() for c in record[width:]):
                record = record[:width]
            elif len(record) < width and (not record or width - len(record) <= empty_tail):
                record = record + [""] * (width - len(record))
            if len(record) != width:
                ragged.setdefault(len(record), []).append(row_number)
                continue
            for column, cell in zip(columns, record, strict=True):
                column.append(cell)
            row_numbers.append(row_number)
    findings = [
        Finding(
            kind=Kind.STRUCTURE,
            code="filas_irregulares",
            count=len(rows),
            rows=first_rows(rows),
            message=agree(messages.STRUCTURE_RAGGED, len(rows), actual=actual, expected=width),
        )
        for actual, rows in sorted(ragged.items(), key=lambda item: -len(item[1]))
    ]
    arrays = [pa.chunked_array([pa.array(column, pa.string())]) for column in columns]
    return (
        {"header": header, "columns": arrays},
        np.asarray(row_numbers, dtype=np.int64),
        findings,
    )


def _rstrip_empty(record: list[str]) -> list[str]:
    end = len(record)
    while end and not record[end - 1].strip():
        end -= 1
    return record[:end]
