"""From a `RawTable` (text as sent) to a typed DataFrame with the contract's field names.

Headers are matched tolerantly (case, accents, spacing, the catalog's aliases); every cell that
does not convert to its column's type becomes a finding with row numbers, never a silent null.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from datos_cali import hashing, messages
from datos_cali.contracts.schema import ColumnSpec, Contract
from datos_cali.findings import Finding, Kind, Severity, first_rows
from datos_cali.reading import artefacts
from datos_cali.reading import values as parse
from datos_cali.reading.headers import normalize
from datos_cali.reading.table import Distinct, RawTable, expand, release_memory

Masker = Callable[[str, object], str]


class TypedColumns:
    """The typed columns by field name, the part of a DataFrame the checks use (`columns`,
    `len`, `[name]`, `empty`): a column that repeats itself is kept as its distinct typed values
    and each row's index, and its cells are built only when someone asks for the column.

    The analysis answers everything from the distinct values, so a 5-million-row file is
    validated and scored without building its text columns; the publication and Great
    Expectations ask for `TypedTable.frame` and get the whole DataFrame, built once.
    """

    def __init__(self, order: list[str], num_rows: int):
        self._order = order
        self._num_rows = num_rows
        self._series: dict[str, pd.Series] = {}
        self._pending: dict[str, tuple[pa.Array, np.ndarray, str]] = {}
        self._frame: pd.DataFrame | None = None
        self._lock = threading.Lock()

    def put(self, name: str, series: pd.Series) -> None:
        self._series[name] = series

    def put_distinct(self, name: str, values: pa.Array, indices: np.ndarray, kind: str) -> None:
        """The column is `values[indices]` (index `len(values)` = null), built on demand."""
        self._pending[name] = (values, indices, kind)

    @property
    def columns(self) -> pd.Index:
        return pd.Index(self._order)

    @property
    def empty(self) -> bool:
        return not self._num_rows or not self._order

    def __len__(self) -> int:
        return self._num_rows

    def __contains__(self, name: object) -> bool:
        return name in self._series or name in self._pending

    def __getitem__(self, name: str) -> pd.Series:
        if name not in self._series:
            with self._lock:
                if name not in self._series:
                    self._series[name] = self._build(name)
        return self._series[name]

    def distinct(self, name: str) -> tuple[pa.Array, np.ndarray] | None:
        """(distinct values, row indices) of a column not built yet; None once it is."""
        if name in self._series or name not in self._pending:
            return None
        values, indices, _ = self._pending[name]
        return values, indices

    def head(self, name: str, rows: int) -> pd.Series:
        """The first rows of a column, without building the rest."""
        if name in self._series or name not in self._pending:
            return self[name].iloc[:rows]
        values, indices, kind = self._pending[name]
        return to_series(expand(_storage(values, kind), indices[:rows]), kind)

    def take(self, positions: np.ndarray) -> pd.DataFrame:
        """The rows at `positions` as a DataFrame, building only those cells."""
        positions = np.asarray(positions, dtype=np.int64)
        series = {}
        for name in self._order:
            if name in self._series or name not in self._pending:
                series[name] = self[name].iloc[positions].reset_index(drop=True)
            else:
                values, indices, kind = self._pending[name]
                series[name] = to_series(expand(_storage(values, kind), indices[positions]), kind)
        return pd.DataFrame(series, index=pd.RangeIndex(len(positions)), copy=False)

    def _build(self, name: str) -> pd.Series:
        values, indices, kind = self._pending[name]
        series = to_series(expand(_storage(values, kind), indices), kind)
        if kind != "datetime":  # pandas keeps those as NumPy, not Arrow
            hashing.remember_distinct(hashing.arrow_column(series), values, indices)
        return series

    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            series = {name: self[name] for name in self._order}
            self._frame = pd.DataFrame(series, copy=False)
            self._frame.index = pd.RangeIndex(self._num_rows)
        return self._frame


def _storage(values: pa.Array, kind: str) -> pa.Array:
    """pandas keeps text as large_string: expand straight into it."""
    return values.cast(pa.large_string()) if kind == "text" else values


@dataclass
class TypedTable:
    columns: TypedColumns  # contract field names, exact contract dtypes, built on demand
    row_numbers: np.ndarray  # file row of each frame row
    headers: dict[str, str]  # field name → header as written in the file
    findings: list[Finding] = field(default_factory=list)
    unconverted: dict[str, np.ndarray] = field(default_factory=dict)  # field → bad-cell mask
    missing: set[str] = field(default_factory=set)  # contract fields absent from the file
    # field → its typed distinct values and their rows, for columns that repeat themselves:
    # statistics and checks run on the values and are expanded to rows only when needed.
    views: dict[str, Distinct] = field(default_factory=dict)
    # fields validation found without repeated values nor nulls: no two rows can be equal
    unique_columns: set[str] = field(default_factory=set)
    positions: dict[str, int] = field(default_factory=dict)  # field → 0-based column in the file

    def view(self, column: str) -> Distinct | None:
        return self.views.get(column)

    @property
    def frame(self) -> pd.DataFrame:
        """The typed DataFrame (columns = contract field names, exact contract dtypes)."""
        return self.columns.frame()


def match_headers(
    raw: RawTable,
    contract: Contract,
    aliases: Mapping[str, list[str]],
    positions: Mapping[str, int] | None = None,
) -> tuple[dict[str, int], list[Finding]]:
    """field name → position in the file; findings for missing, doubled and unknown columns.

    `positions` (field → 0-based column, the catalog's `position:`) are taken first, and their
    columns are never matched by header again: «Programa» at columns 6, 10 and 23 can be three
    fields. The header at a declared position must still be the field's title (or a name or an
    alias): a file whose columns moved is stopped, not read into the wrong fields.
    """
    positions = dict(positions or {})
    claimed = set(positions.values())
    by_key: dict[str, list[int]] = {}
    for position, header in enumerate(raw.headers):
        if position not in claimed:
            by_key.setdefault(normalize(header), []).append(position)
    mapping: dict[str, int] = {}
    findings: list[Finding] = []
    used: set[int] = set()
    missing = []
    for spec in contract.columns.values():
        keys = {normalize(spec.title), normalize(spec.name)}
        keys |= {normalize(alias) for alias in aliases.get(spec.name, [])}
        if spec.name in positions:
            placed = _placed(raw, spec, keys, positions[spec.name])
            if placed is None:
                mapping[spec.name] = positions[spec.name]
                used.add(positions[spec.name])
            else:
                findings.append(placed)
            continue
        found = sorted({p for key in keys for p in by_key.get(key, [])})
        if len(found) > 1:
            findings.append(
                Finding(
                    kind=Kind.STRUCTURE,
                    code="columna_duplicada",
                    column=spec.name,
                    header=raw.headers[found[0]],
                    count=len(found),
                    message=messages.STRUCTURE_DUPLICATE_MATCH.format(
                        headers=", ".join(f"«{raw.headers[p]}»" for p in found),
                        positions=", ".join(str(p + 1) for p in found),
                        title=spec.title,
                    ),
                )
            )
        if found:
            mapping[spec.name] = found[0]
            used.update(found)
        elif spec.required:
            missing.append(spec)
    unused = {  # headers no field took: where a missing column may have gone
        normalize(raw.headers[p]): raw.headers[p]
        for p in range(len(raw.headers))
        if p not in used and p not in claimed
    }
    for spec in missing:
        close = difflib.get_close_matches(normalize(spec.title), list(unused), n=1, cutoff=0.75)
        suggestion = messages.DID_YOU_MEAN.format(header=unused[close[0]]) if close else ""
        findings.append(
            Finding(
                kind=Kind.SCHEMA,
                code="columna_faltante",
                column=spec.name,
                message=messages.SCHEMA_MISSING_COLUMN.format(
                    title=spec.title, suggestion=suggestion
                ),
            )
        )
    for position, header in enumerate(raw.headers):
        if position not in used:
            findings.append(
                Finding(
                    kind=Kind.SCHEMA,
                    code="columna_no_esperada",
                    column=header,
                    header=header,
                    severity=Severity.WARN,
                    message=messages.SCHEMA_EXTRA_COLUMN.format(header=header),
                )
            )
    return mapping, findings


def _placed(raw: RawTable, spec: ColumnSpec, keys: set[str], position: int) -> Finding | None:
    """None when the file has the field's header at its declared position; else the finding."""
    if position < len(raw.headers) and normalize(raw.headers[position]) in keys:
        return None
    if position >= len(raw.headers):
        message = messages.STRUCTURE_POSITION_MISSING.format(
            title=spec.title, position=position + 1, columns=len(raw.headers)
        )
        header = None
    else:
        header = raw.headers[position]
        message = messages.STRUCTURE_POSITION_MISMATCH.format(
            title=spec.title, position=position + 1, header=header
        )
    return Finding(
        kind=Kind.STRUCTURE,
        code="posicion_no_corresponde",
        column=spec.name,
        header=header,
        message=message,
    )


def resolve_repeated_headers(
    findings: list[Finding], raw: RawTable, positions: Mapping[str, int]
) -> list[Finding]:
    """The reader's «repeated header» findings, downgraded to information where the catalog
    says, by position, which field each copy is."""
    placed = set(positions.values())
    resolved = []
    for finding in findings:
        if finding.code == "encabezado_repetido" and finding.column is not None:
            key = normalize(finding.column)
            copies = {p for p, h in enumerate(raw.headers) if normalize(h) == key}
            if copies <= placed:
                finding = finding.model_copy(
                    update={
                        "severity": Severity.INFO,
                        "message": finding.message + " " + messages.STRUCTURE_REPEATED_RESOLVED,
                    }
                )
        resolved.append(finding)
    return resolved


_PANDAS_DTYPES = {
    "text": pd.StringDtype("pyarrow"),
    "integer": pd.ArrowDtype(pa.int64()),
    "number": pd.ArrowDtype(pa.float64()),
    "boolean": pd.ArrowDtype(pa.bool_()),
    "date": pd.ArrowDtype(pa.date32()),
    "datetime": np.dtype("datetime64[ns]"),
}
_ARROW_TYPES = {
    "text": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("ms"),
}
_FAILURE = {
    "integer": ("no_es_entero", messages.SCHEMA_NOT_INTEGER),
    "number": ("no_es_numero", messages.SCHEMA_NOT_NUMBER),
    "boolean": ("no_es_si_no", messages.SCHEMA_BAD_BOOLEAN),
    "date": ("fecha_invalida", messages.SCHEMA_BAD_DATE),
    "datetime": ("fecha_invalida", messages.SCHEMA_BAD_DATE),
}


def _parse(
    spec: ColumnSpec, values: pa.Array, decimal_hint: str, decimal: str | None
) -> parse.Parsed:
    if spec.kind == "text":
        return parse.parse_text(values)
    if spec.kind in ("integer", "number"):
        return parse.parse_number(
            values, integer=spec.kind == "integer", decimal_hint=decimal_hint, decimal=decimal
        )
    if spec.kind == "boolean":
        return parse.parse_bool(values)
    return parse.parse_date(values, with_time=spec.kind == "datetime")


@dataclass
class _Column:
    parsed: parse.Parsed  # values per row (plain columns) or per distinct text; masks per row
    typed: Distinct | None = None  # the typed distinct values, when the column repeats
    indices: np.ndarray | None = None  # each row's index into `parsed.values`, then


def _rows_where(view: Distinct, mask: np.ndarray) -> np.ndarray:
    """A per-value mask spread to rows (nothing to spread in the usual case: all False)."""
    return view.rows_where(mask) if mask.any() else np.zeros(len(view.indices), dtype=bool)


def _parse_view(
    spec: ColumnSpec, view: Distinct, decimal_hint: str, decimal: str | None, markers: list[str]
) -> _Column:
    """Parse each distinct text once; expand the masks to rows (and keep the typed view).
    Excel error values and the catalog's «no data» markers are read as empty first."""
    parsed = _parse(spec, artefacts.blank_out(view.values, markers), decimal_hint, decimal)
    if not view.repetitive:
        return _Column(parsed)
    rows = parse.Parsed(
        parsed.values,
        _rows_where(view, parsed.invalid),
        None if parsed.impossible is None else _rows_where(view, parsed.impossible),
    )
    return _Column(rows, view.recode(parsed.values), view.indices)


def to_series(values: pa.Array, kind: str) -> pd.Series:
    if kind == "datetime":
        return pd.Series(values.to_numpy(zero_copy_only=False)).astype("datetime64[ns]")
    return pd.Series(pd.array(values, dtype=_PANDAS_DTYPES[kind]))


def coerce(
    raw: RawTable,
    contract: Contract,
    *,
    aliases: Mapping[str, list[str]] | None = None,
    decimal: str | None = None,
    mask: Masker | None = None,
    positions: Mapping[str, int] | None = None,
    null_markers: list[str] | None = None,
) -> TypedTable:
    """Typed frame in contract order; missing optional columns come back as all-null."""
    mapping, findings = match_headers(raw, contract, aliases or {}, positions)
    columns = TypedColumns(list(contract.columns), raw.num_rows)
    unconverted: dict[str, np.ndarray] = {}
    views: dict[str, Distinct] = {}
    for spec in contract.columns.values():
        if spec.name not in mapping:
            empty = pa.nulls(raw.num_rows, _ARROW_TYPES[spec.kind])
            columns.put(spec.name, to_series(empty, spec.kind))
            continue
        text = raw.distinct(mapping[spec.name])
        column = _parse_view(spec, text, raw.decimal_hint, decimal, null_markers or [])
        parsed = column.parsed
        if column.typed is not None:
            views[spec.name] = column.typed
            columns.put_distinct(spec.name, parsed.values, column.indices, spec.kind)
        else:
            columns.put(spec.name, to_series(parsed.values, spec.kind))
        bad = parsed.invalid | (parsed.impossible if parsed.impossible is not None else False)
        if bad.any():
            unconverted[spec.name] = bad
            header = raw.headers[mapping[spec.name]]
            findings.extend(_conversion_findings(spec, header, text, parsed, raw.row_numbers, mask))
    release_memory()  # the parsers' temporaries (trimmed text, masks) are garbage now
    headers = {name: raw.headers[position] for name, position in mapping.items()}
    missing = set(contract.columns) - set(mapping)
    return TypedTable(
        columns, raw.row_numbers, headers, findings, unconverted, missing, views, positions=mapping
    )


def cell_text(view: Distinct, row: int) -> str | None:
    """The text of one cell, from a column's distinct view."""
    indices = view.row_indices()
    position = row if indices is None else int(indices[row])
    return view.values[position].as_py() if position < len(view.values) else None


def worded(
    template: str,
    *,
    row: int,
    value: object = None,
    column: str | None = None,
    mask: Masker | None = None,
    **fields,
) -> tuple[str, str | None]:
    """A finding's two wordings: public (the example is the row) and the organismo's (the
    example is the value, masked). Public outputs never quote a cell."""
    public = template.format(example=messages.EXAMPLE_ROW.format(row=row), **fields)
    if value is None:
        return public, None
    shown = mask(column, value) if mask else str(value)
    own = template.format(example=messages.EXAMPLE_VALUE.format(value=shown, row=row), **fields)
    return public, own


def _conversion_findings(
    spec: ColumnSpec,
    header: str,
    text: Distinct,
    parsed: parse.Parsed,
    row_numbers: np.ndarray,
    mask: Masker | None,
) -> list[Finding]:
    groups = [(_FAILURE[spec.kind], parsed.invalid)]
    if parsed.impossible is not None:
        groups.append((("fecha_imposible", messages.SCHEMA_IMPOSSIBLE_DATE), parsed.impossible))
    findings = []
    for (code, template), bad in groups:
        positions = np.flatnonzero(bad)
        if not len(positions):
            continue
        first = int(positions[0])
        public, own = worded(
            template,
            row=int(row_numbers[first]),
            value=str(cell_text(text, first)).strip(),
            column=spec.name,
            mask=mask,
            count=len(positions),
            filas=messages.rows_word(len(positions)),
            title=header,
        )
        findings.append(
            Finding(
                kind=Kind.SCHEMA,
                code=code,
                column=spec.name,
                header=header,
                count=len(positions),
                rows=first_rows(row_numbers[positions]),
                message=public,
                organismo_message=own,
            )
        )
    return findings
