"""Excel workbooks through openpyxl (read-only, values only), every cell turned into text.

Long codes stored as text stay text; numbers are written without exponent or trailing `.0` so
the typing step sees what a person saw in Excel.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa

from datos_cali import deadline, messages
from datos_cali.findings import Kind
from datos_cali.reading import limits
from datos_cali.reading.sniff import fail
from datos_cali.reading.table import RawTable

_HEADER_SEARCH_ROWS = 20
_INSTRUCTIONS = re.compile(r"instrucci|instructivo|l[eé]ame|ayuda|portada|notas", re.IGNORECASE)


def read_xlsx(path: Path, *, sheet: str | None = None) -> RawTable:
    _refuse_bombs(path)
    import openpyxl  # imported here: the CSV path never needs it

    # A file object, not a path: openpyxl refuses paths without an Excel extension, and
    # archived copies are named by their digest.
    with open(path, "rb") as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many unrelated types for broken files
            raise fail(
                Kind.FORMAT, "excel_danado", messages.FORMAT_XLSX_BROKEN.format(reason=_short(exc))
            ) from None
        try:
            for each in workbook.worksheets:
                # The declared `<dimension>` is the sender's word: «A1:XFD1048576» in a 1.7 KB
                # file would make openpyxl pad every row to 16,384 cells and every gap to
                # a million rows. Without it, rows are as long as their own last cell.
                each.reset_dimensions()
            worksheet = _pick_sheet(workbook, sheet)
            rows = _stream(worksheet)
        finally:
            workbook.close()
    return _to_raw(rows)


def _stream(worksheet) -> list[tuple[int, list[str]]]:
    """The sheet's non-empty rows as text, with their row numbers, read in streaming mode and
    refused (Spanish, `ReadError`) as soon as a row is wider than the column bound or the cells
    read pass the cell bound — before the table is held whole."""
    most_columns, most_cells = limits.max_columns(), limits.max_cells()
    rows, cells = [], 0
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if number % 4096 == 0:
            deadline.check("lectura del libro")
        if len(values) > most_columns:
            values = values[: _filled_width(values)]
            limits.check_size(len(values), 0)
        if all(value is None or value == "" for value in values):
            continue  # an empty row (or a gap between two far rows): nothing to keep
        cells += len(values)
        if cells > most_cells:
            limits.check_size(1, cells)
        rows.append((number, [_cell_text(value) for value in values]))
    return rows


def _filled_width(values) -> int:
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return end


def _refuse_bombs(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            uncompressed = sum(info.file_size for info in archive.infolist())
            compressed = sum(info.compress_size for info in archive.infolist()) or 1
    except zipfile.BadZipFile as exc:
        raise fail(
            Kind.FORMAT, "excel_danado", messages.FORMAT_XLSX_BROKEN.format(reason=_short(exc))
        ) from None
    if "xl/workbook.xml" not in names:
        raise fail(Kind.FORMAT, *_what_zip(path, names))
    limit = limits.xlsx_max_uncompressed()
    if uncompressed > limit or (
        uncompressed > 50 * 1024**2 and uncompressed / compressed > limits.XLSX_MAX_RATIO
    ):
        raise fail(
            Kind.FORMAT,
            "excel_demasiado_grande",
            messages.FORMAT_XLSX_BOMB.format(
                size=messages.human_size(uncompressed), limit=messages.human_size(limit)
            ),
        )


def _what_zip(path: Path, names: list[str]) -> tuple[str, str]:
    """(code, message) for a ZIP that is not a workbook: Word, LibreOffice, or just a ZIP."""
    if "word/document.xml" in names:
        return "documento_word", messages.FORMAT_WORD
    if "mimetype" in names:
        with zipfile.ZipFile(path) as archive:
            kind = archive.read("mimetype")[:100]
        if kind.endswith(b"opendocument.text"):
            return "documento_odt", messages.FORMAT_ODT
        if kind.endswith(b"opendocument.spreadsheet"):
            return "hoja_ods", messages.FORMAT_ODS
    return "comprimido_no_excel", messages.FORMAT_ARCHIVE


def _pick_sheet(workbook, sheet: str | None):
    if sheet is None:
        first = workbook.worksheets[0]
        if len(workbook.worksheets) > 1 and _instructions(first):
            others = ", ".join(f"«{n}»" for n in workbook.sheetnames[1:])
            message = messages.FORMAT_INSTRUCTIONS_SHEET.format(sheet=first.title, others=others)
            raise fail(Kind.STRUCTURE, "hoja_de_instrucciones", message)
        return first
    if sheet not in workbook.sheetnames:
        raise fail(
            Kind.FORMAT,
            "hoja_inexistente",
            messages.FORMAT_SHEET_MISSING.format(
                sheet=sheet, available=", ".join(f"«{n}»" for n in workbook.sheetnames)
            ),
        )
    return workbook[sheet]


def _instructions(worksheet) -> bool:
    """A first sheet of instructions: named so, or a few lines of text in one column."""
    if _INSTRUCTIONS.search(worksheet.title):
        return True
    filled = []
    for values in worksheet.iter_rows(values_only=True, max_row=_HEADER_SEARCH_ROWS + 1):
        cells = [v for v in values if v not in (None, "")]
        if cells:
            filled.append(len(cells))
    return len(filled) <= 1 or max(filled) == 1


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    return str(value)


def _to_raw(rows: list[tuple[int, list[str]]]) -> RawTable:
    """The header is the first row that is as wide as the table: title rows above it are skipped."""
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise fail(Kind.EMPTY, "sin_encabezado", messages.EMPTY_NO_HEADER)
    width = max(len(_rstrip(cells)) for _, cells in rows[:_HEADER_SEARCH_ROWS])
    wide_enough = min(width, max(2, math.ceil(width / 2)))
    header_at = next(
        (
            i
            for i, (_, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS])
            if sum(1 for c in cells if c.strip()) >= wide_enough
        ),
        0,  # no row is as wide as the table: the first non-empty row is the header
    )
    _, header = rows[header_at]
    body = rows[header_at + 1 :]
    width = max([len(header)] + [len(cells) for _, cells in body])
    columns = [
        pa.chunked_array([pa.array([_at(cells, i) for _, cells in body], pa.string())])
        for i in range(width)
    ]
    return RawTable(
        headers=[_at(header, i).strip() for i in range(width)],
        columns=columns,
        row_numbers=np.asarray([n for n, _ in body], dtype=np.int64),
        source_format="xlsx",
        decimal_hint=".",
    )


def _at(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _rstrip(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _short(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:160]
