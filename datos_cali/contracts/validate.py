"""Run the pandera contract lazily and turn its failure cases into grouped Spanish findings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from datos_cali import messages
from datos_cali.contracts.checks import SPANISH_NAMES
from datos_cali.contracts.coerce import Masker, TypedTable, example
from datos_cali.contracts.schema import Contract
from datos_cali.findings import Finding, Kind, first_rows

_SKIPPED = ("column_in_dataframe", "dtype(")
_RANGE = {
    "greater_than": "mayor que {min_value}",
    "greater_than_or_equal_to": "mayor o igual a {min_value}",
    "less_than": "menor que {max_value}",
    "less_than_or_equal_to": "menor o igual a {max_value}",
    "in_range": "entre {min_value} y {max_value}",
    "equal_to": "igual a {value}",
    "not_equal_to": "distinto de {value}",
}
_PATTERNS = ("str_matches", "str_contains", "str_startswith", "str_endswith")


def validate(typed: TypedTable, contract: Contract, mask: Masker | None = None) -> list[Finding]:
    import pandera.errors

    try:
        contract.schema.validate(typed.frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        return _findings(errors.failure_cases, typed, contract, mask)
    return []


def _check_name(check: str) -> str:
    return str(check).split("(", 1)[0]


def _findings(
    cases: pd.DataFrame, typed: TypedTable, contract: Contract, mask: Masker | None
) -> list[Finding]:
    cases = cases[cases["index"].notna()].copy()
    cases["name"] = cases["check"].map(_check_name)
    cases = cases[~cases["check"].astype(str).str.startswith(_SKIPPED)]
    cases = cases[~cases["column"].isin(typed.missing)]  # already reported as missing
    findings: list[Finding] = []
    frame_level = cases["schema_context"] == "DataFrameSchema"
    row_checks = frame_level & ~cases["name"].isin(["multiple_fields_uniqueness"])
    for name, group in cases[row_checks].groupby("name", sort=False):
        findings.append(_row_finding(name, group, typed))
    column_cases = cases[~row_checks]
    for (column, name), group in column_cases.groupby(["column", "name"], sort=False):
        positions = np.unique(group["index"].astype(np.int64).to_numpy())
        if name == "not_nullable" and column in typed.unconverted:
            positions = positions[~typed.unconverted[column][positions]]
        if len(positions):
            findings.append(
                _column_finding(str(column), name, group, positions, typed, contract, mask)
            )
    return findings


def _row_finding(name: str, group: pd.DataFrame, typed: TypedTable) -> Finding:
    positions = np.unique(group["index"].astype(np.int64).to_numpy())
    rows = typed.row_numbers[positions]
    count = len(positions)
    return Finding(
        kind=Kind.SCHEMA,
        code=f"regla_{name}",
        count=count,
        rows=first_rows(rows),
        message=messages.SCHEMA_ROW_CHECK_FAILED.format(
            count=count,
            filas=messages.rows_word(count),
            check=SPANISH_NAMES.get(name, name),
            example=messages.EXAMPLE_ROW.format(row=int(rows[0])),
        ),
    )


def _column_finding(
    column: str,
    name: str,
    group: pd.DataFrame,
    positions: np.ndarray,
    typed: TypedTable,
    contract: Contract,
    mask: Masker | None,
) -> Finding:
    rows = typed.row_numbers[positions]
    count = len(positions)
    title = contract.title(column)
    first_value = group.loc[group["index"].astype(np.int64) == positions[0], "failure_case"]
    value = first_value.iloc[0] if len(first_value) else None
    shown = (
        messages.EXAMPLE_ROW.format(row=int(rows[0]))
        if value is None or pd.isna(value)
        else example(value, int(rows[0]), column, mask)
    )
    code, template, extra = _describe(column, name, group, contract)
    return Finding(
        kind=Kind.SCHEMA,
        code=code,
        column=column,
        count=count,
        rows=first_rows(rows),
        message=template.format(
            count=count, filas=messages.rows_word(count), title=title, example=shown, **extra
        ),
    )


def _statistics(column: str, group: pd.DataFrame, contract: Contract) -> dict:
    number = group["check_number"].dropna()
    if not len(number):
        return {}
    checks = contract.schema.columns[column].checks
    position = int(number.iloc[0])
    return dict(checks[position].statistics) if position < len(checks) else {}


def _describe(column: str, name: str, group: pd.DataFrame, contract: Contract):
    if name == "not_nullable":
        return "valor_nulo", messages.SCHEMA_NULL, {}
    if name in ("isin", "notin", "comuna_cali"):
        return "valor_desconocido", messages.SCHEMA_NOT_IN_SET, {}
    if name in ("field_uniqueness", "unique", "multiple_fields_uniqueness"):
        return "valor_repetido", messages.SCHEMA_DUPLICATE, {}
    if name in _RANGE:
        bounds = _RANGE[name].format_map(_Blank(_statistics(column, group, contract)))
        return "fuera_de_rango", messages.SCHEMA_OUT_OF_RANGE, {"bounds": bounds}
    if name in _PATTERNS:
        return "formato_invalido", messages.SCHEMA_PATTERN, {}
    if name == "str_length":
        stats = _statistics(column, group, contract)
        bounds = f"entre {stats.get('min_value', 0)} y {stats.get('max_value', '∞')} caracteres"
        return "longitud_invalida", messages.SCHEMA_LENGTH, {"bounds": bounds}
    return f"regla_{name}", messages.SCHEMA_CHECK_FAILED, {"check": SPANISH_NAMES.get(name, name)}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"
