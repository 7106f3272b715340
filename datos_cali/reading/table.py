"""`RawTable`, the reader's output, and `read_table`, which picks the right reader for the bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datos_cali import messages
from datos_cali.findings import Finding, Kind, Severity
from datos_cali.reading import limits
from datos_cali.reading.sniff import SAMPLE_BYTES, ReadError, container_format, fail

__all__ = ["RawTable", "ReadError", "read_table"]


PROBE_ROWS = 20_000
REPETITIVE = 0.2  # distinct values per probed row below which a column counts as repetitive


@dataclass
class Distinct:
    """A column as its distinct values plus, for repetitive columns, each row's index into them.

    Checks that look at text (regexes, lookups) run on `values` and are expanded to rows with
    `rows_where`, so a 5-million-row column with 300 distinct dates costs 300 evaluations.
    """

    values: pa.Array
    indices: np.ndarray | None  # None: `values` is the column itself (no repetition to exploit)

    def rows_where(self, mask_of_values: np.ndarray) -> np.ndarray:
        """Per-row mask from a mask over `values` (nulls are False)."""
        if self.indices is None:
            return mask_of_values
        return np.append(mask_of_values, False)[self.indices]


@dataclass
class RawTable:
    """Cells as text, one positional column per header, plus where each record sits in the file."""

    headers: list[str]
    columns: list[pa.ChunkedArray]
    row_numbers: np.ndarray  # 1-based file row of each record; the header is row 1
    source_format: str  # "csv" | "xlsx"
    decimal_hint: str  # "," when the file came from a Spanish-locale export
    encoding: str | None = None
    delimiter: str | None = None
    findings: list[Finding] = field(default_factory=list)

    _distinct: dict[int, Distinct] = field(default_factory=dict, repr=False)

    @property
    def num_rows(self) -> int:
        return len(self.row_numbers)

    def distinct(self, position: int) -> Distinct:
        """The column's distinct values (computed once per column and cached)."""
        if position not in self._distinct:
            column = self.columns[position]
            flat = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
            probe = flat.slice(0, PROBE_ROWS)
            repetitive = len(flat) > PROBE_ROWS and (
                pc.count_distinct(probe).as_py() <= len(probe) * REPETITIVE
            )
            if repetitive:
                encoded = pc.dictionary_encode(flat)
                indices = pc.fill_null(encoded.indices, len(encoded.dictionary))
                self._distinct[position] = Distinct(
                    encoded.dictionary, np.asarray(indices.to_numpy(zero_copy_only=False), np.int64)
                )
            else:
                self._distinct[position] = Distinct(flat, None)
        return self._distinct[position]

    def matches(self, position: int, regex: str) -> np.ndarray:
        """Per-row mask of cells matching `regex` (RE2), evaluated once per distinct value."""
        view = self.distinct(position)
        found = pc.fill_null(pc.match_substring_regex(view.values, regex), False)
        return view.rows_where(np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool))

    def column(self, position: int) -> pa.ChunkedArray:
        return self.columns[position]


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
        from datos_cali.reading.xlsx_file import read_xlsx

        raw = read_xlsx(path, sheet=sheet)
        actual = "Excel (.xlsx)"
        mismatch = extension not in (".xlsx", ".xlsm")
    else:
        from datos_cali.reading.csv_file import read_csv

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
    return finish(raw)


def finish(raw: RawTable) -> RawTable:
    """Shared tidy-up: drop empty unnamed columns and blank records; check the header."""
    _drop_empty_unnamed_columns(raw)
    _drop_blank_records(raw)
    _check_headers(raw)
    return raw


def _is_blank(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.fill_null(pc.equal(pc.utf8_trim_whitespace(column), ""), True)


def _drop_empty_unnamed_columns(raw: RawTable) -> None:
    keep_headers, keep_columns, dropped = [], [], 0
    for position, (header, column) in enumerate(zip(raw.headers, raw.columns, strict=True), 1):
        if header:
            keep_headers.append(header)
            keep_columns.append(column)
        elif pc.all(_is_blank(column)).as_py() is not False:
            dropped += 1
        else:
            raw.findings.append(
                Finding(
                    kind=Kind.STRUCTURE,
                    code="encabezado_vacio",
                    message=messages.STRUCTURE_EMPTY_HEADER.format(position=position),
                    column=f"#{position}",
                )
            )
            keep_headers.append(f"columna_{position}")
            keep_columns.append(column)
    raw.headers, raw.columns = keep_headers, keep_columns
    if dropped and raw.source_format == "csv":
        raw.findings.append(
            Finding(
                kind=Kind.STRUCTURE,
                code="columnas_vacias_ignoradas",
                severity=Severity.INFO,
                count=dropped,
                message=messages.STRUCTURE_DROPPED_EMPTY_COLUMNS.format(count=dropped),
            )
        )


def _drop_blank_records(raw: RawTable) -> None:
    if not raw.columns:
        return
    blank = _is_blank(raw.columns[0])
    for column in raw.columns[1:]:
        blank = pc.and_(blank, _is_blank(column))
    keep = pc.invert(blank)
    if pc.all(keep).as_py() is not False:
        return
    raw.columns = [column.filter(keep) for column in raw.columns]
    raw.row_numbers = raw.row_numbers[np.asarray(keep.to_numpy(zero_copy_only=False), bool)]


def _check_headers(raw: RawTable) -> None:
    from datos_cali.reading.headers import normalize

    seen: dict[str, list[int]] = {}
    for position, header in enumerate(raw.headers, 1):
        seen.setdefault(normalize(header), []).append(position)
    for positions in seen.values():
        if len(positions) > 1:
            raw.findings.append(
                Finding(
                    kind=Kind.STRUCTURE,
                    code="encabezado_repetido",
                    column=raw.headers[positions[0] - 1],
                    count=len(positions),
                    message=messages.STRUCTURE_DUPLICATE_HEADER.format(
                        header=raw.headers[positions[0] - 1],
                        count=len(positions),
                        positions=", ".join(map(str, positions)),
                    ),
                )
            )
