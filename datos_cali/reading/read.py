"""`read_table(path)`: any supported submission as a `RawTable`, whatever its export.

The bytes decide the reader (a ZIP container is an Excel workbook, anything else delimited
text); the file name only adds a warning when its extension says otherwise.
"""

from __future__ import annotations

from pathlib import Path

from datos_cali import deadline, messages
from datos_cali.findings import Finding, Kind, Severity
from datos_cali.reading import limits
from datos_cali.reading.csv_file import read_csv
from datos_cali.reading.sniff import SAMPLE_BYTES, container_format, fail
from datos_cali.reading.table import RawTable, finish, is_dictionary, release_memory
from datos_cali.reading.xlsx_file import read_xlsx


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    name: str | None = None,
) -> RawTable:
    """Read any supported submission; raises `ReadError` with a finding when it is not a table.

    `name` is the file name as sent, when `path` is an archived copy named by its digest.
    """
    path = Path(path)
    size = path.stat().st_size
    limit = limits.max_file_bytes()
    if size > limit:
        raise fail(
            Kind.FORMAT,
            "archivo_demasiado_grande",
            messages.FORMAT_TOO_LARGE.format(
                size=messages.human_size(size), limit=messages.human_size(limit)
            ),
        )
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    kind = container_format(head)
    extension = Path(name or path.name).suffix.lower()
    if kind == "zip":
        raw = read_xlsx(path, sheet=sheet)
        actual = "Excel (.xlsx)"
        mismatch = extension not in (".xlsx", ".xlsm")
    else:
        raw = read_csv(path, head, encoding=encoding, delimiter=delimiter)
        actual = "texto delimitado (CSV)"
        mismatch = extension in (".xlsx", ".xls", ".xlsm", ".pdf", ".docx", ".ods")
    if mismatch:
        raw.findings.append(
            Finding(
                kind=Kind.FORMAT,
                code="extension_no_corresponde",
                severity=Severity.WARN,
                message=messages.FORMAT_EXTENSION_MISMATCH.format(
                    extension=extension or "(sin extensión)", actual=actual
                ),
            )
        )
    deadline.check("lectura")
    limits.check_size(len(raw.headers), len(raw.row_numbers))
    raw = finish(raw)
    for position in range(len(raw.columns)):  # one index array per repetitive column, now
        if is_dictionary(raw.columns[position]):
            raw.distinct(position)
    release_memory()
    return raw
