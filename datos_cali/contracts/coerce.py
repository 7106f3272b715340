"""From a `RawTable` (text as sent) to a typed DataFrame with the contract's field names.

Headers are matched tolerantly (case, accents, spacing, the catalog's aliases); every cell that
does not convert to its column's type becomes a finding with row numbers, never a silent null.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from datos_cali import messages
from datos_cali.contracts.schema import ColumnSpec, Contract
from datos_cali.findings import Finding, Kind, Severity, first_rows
from datos_cali.reading import values as parse
from datos_cali.reading.headers import normalize
from datos_cali.reading.table import RawTable

Masker = Callable[[str, object], str]


@dataclass
class TypedTable:
    frame: pd.DataFrame  # columns = contract field names, exact contract dtypes
    row_numbers: np.ndarray  # file row of each frame row
    headers: dict[str, str]  # field name → header as written in the file
    findings: list[Finding] = field(default_factory=list)
    unconverted: dict[str, np.ndarray] = field(default_factory=dict)  # field → bad-cell mask
    missing: set[str] = field(default_factory=set)  # contract fields absent from the file


def match_headers(
    raw: RawTable, contract: Contract, aliases: Mapping[str, list[str]]
) -> tuple[dict[str, int], list[Finding]]:
    """field name → position in the file; findings for missing, doubled and unknown columns."""
    by_key: dict[str, list[int]] = {}
    for position, header in enumerate(raw.headers):
        by_key.setdefault(normalize(header), []).append(position)
    mapping: dict[str, int] = {}
    findings: list[Finding] = []
    used: set[int] = set()
    for spec in contract.columns.values():
        keys = {normalize(spec.title), normalize(spec.name)}
        keys |= {normalize(alias) for alias in aliases.get(spec.name, [])}
        positions = sorted({p for key in keys for p in by_key.get(key, [])})
        if len(positions) > 1:
            findings.append(
                Finding(
                    kind=Kind.STRUCTURE,
                    code="columna_duplicada",
                    column=spec.name,
                    count=len(positions),
                    message=messages.STRUCTURE_DUPLICATE_MATCH.format(
                        headers=", ".join(f"«{raw.headers[p]}»" for p in positions),
                        title=spec.title,
                    ),
                )
            )
        if positions:
            mapping[spec.name] = positions[0]
            used.update(positions)
        elif spec.required:
            findings.append(
                Finding(
                    kind=Kind.SCHEMA,
                    code="columna_faltante",
                    column=spec.name,
                    message=messages.SCHEMA_MISSING_COLUMN.format(title=spec.title),
                )
            )
    for position, header in enumerate(raw.headers):
        if position not in used:
            findings.append(
                Finding(
                    kind=Kind.SCHEMA,
                    code="columna_no_esperada",
                    column=header,
                    severity=Severity.WARN,
                    message=messages.SCHEMA_EXTRA_COLUMN.format(header=header),
                )
            )
    return mapping, findings


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
    spec: ColumnSpec, column: pa.ChunkedArray, decimal_hint: str, decimal: str | None
) -> parse.Parsed:
    if spec.kind == "text":
        return parse.by_distinct(parse.parse_text, column)
    if spec.kind in ("integer", "number"):
        return parse.by_distinct(
            parse.parse_number,
            column,
            integer=spec.kind == "integer",
            decimal_hint=decimal_hint,
            decimal=decimal,
        )
    if spec.kind == "boolean":
        return parse.by_distinct(parse.parse_bool, column)
    return parse.by_distinct(parse.parse_date, column, with_time=spec.kind == "datetime")


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
) -> TypedTable:
    """Typed frame in contract order; missing optional columns come back as all-null."""
    mapping, findings = match_headers(raw, contract, aliases or {})
    series: dict[str, pd.Series] = {}
    unconverted: dict[str, np.ndarray] = {}
    for spec in contract.columns.values():
        if spec.name not in mapping:
            empty = pa.nulls(raw.num_rows, _ARROW_TYPES[spec.kind])
            series[spec.name] = to_series(empty, spec.kind)
            continue
        text = raw.column(mapping[spec.name])
        parsed = _parse(spec, text, raw.decimal_hint, decimal)
        series[spec.name] = to_series(parsed.values, spec.kind)
        bad = parsed.invalid | (parsed.impossible if parsed.impossible is not None else False)
        if bad.any():
            unconverted[spec.name] = bad
            findings.extend(_conversion_findings(spec, text, parsed, raw.row_numbers, mask))
    frame = pd.DataFrame(series)
    headers = {name: raw.headers[position] for name, position in mapping.items()}
    missing = set(contract.columns) - set(mapping)
    return TypedTable(frame, raw.row_numbers, headers, findings, unconverted, missing)


def example(value: object, row: int, column: str, mask: Masker | None) -> str:
    shown = mask(column, value) if mask else str(value)
    return messages.EXAMPLE_VALUE.format(value=shown, row=row)


def _conversion_findings(
    spec: ColumnSpec,
    text: pa.ChunkedArray,
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
        findings.append(
            Finding(
                kind=Kind.SCHEMA,
                code=code,
                column=spec.name,
                count=len(positions),
                rows=first_rows(row_numbers[positions]),
                message=template.format(
                    count=len(positions),
                    filas=messages.rows_word(len(positions)),
                    title=spec.title,
                    example=example(
                        str(text[first].as_py()).strip(), int(row_numbers[first]), spec.name, mask
                    ),
                ),
            )
        )
    return findings
