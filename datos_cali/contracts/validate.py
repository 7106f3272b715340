"""Run the pandera contract lazily and turn its failure cases into grouped Spanish findings.

Column checks are element-wise, so a column that repeats itself is validated on its distinct
typed values (one row each, plus a null when the column has one) and the failures are expanded
back to file rows: the same findings as validating every row, at the cost of the distinct
values. Uniqueness needs every row and is counted directly (value counts, or 64-bit hashes
with an exact comparison of colliding cells); frame-level checks run on the whole frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from datos_cali import deadline, messages
from datos_cali.contracts.coerce import Masker, TypedTable, cell_text, to_series, worded
from datos_cali.contracts.rules import SPANISH_NAMES
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
_CORE_ORDER = {"not_nullable": 0, "field_uniqueness": 1}  # then checks, as pandera runs them


@dataclass
class _Failure:
    """The rows of one column that fail one check, and the value of the first of them."""

    column: str
    name: str
    check_number: int | None
    positions: np.ndarray  # sorted frame rows
    value: object


def validate(typed: TypedTable, contract: Contract, mask: Masker | None = None) -> list[Finding]:
    findings = _frame_findings(typed, contract)
    for name in contract.schema.columns:
        deadline.check("contrato")
        if name in typed.missing:  # already reported as missing
            continue
        for failure in _column_failures(name, typed, contract):
            positions = failure.positions
            if failure.name == "not_nullable" and name in typed.unconverted:
                positions = positions[~typed.unconverted[name][positions]]
            if len(positions):
                findings.append(_column_finding(failure, positions, typed, contract, mask))
    return findings


def _check_name(check: str) -> str:
    return str(check).split("(", 1)[0]


def _failure_cases(schema, frame: pd.DataFrame) -> pd.DataFrame | None:
    import pandera.errors

    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["index"].notna()].copy()
        cases["name"] = cases["check"].map(_check_name)
        return cases[~cases["check"].astype(str).str.startswith(_SKIPPED)]
    return None


# --- the schema in parts ----------------------------------------------------------------------

_PARTS: dict[int, tuple[object, dict]] = {}


def _parts(contract: Contract) -> dict:
    """Per column, a one-column schema without uniqueness; and the frame-level rest (cached)."""
    schema = contract.schema
    cached = _PARTS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    from pandera.api.pandas.container import DataFrameSchema

    columns, whole = {}, {}
    for name, column in schema.columns.items():
        single = column.__copy__()
        single.unique = False
        columns[name] = DataFrameSchema({name: single}, coerce=schema.coerce)
        whole[name] = DataFrameSchema({name: column}, coerce=schema.coerce)
    frame = None
    if schema.checks or schema.unique:
        frame = DataFrameSchema(
            checks=schema.checks,
            unique=schema.unique,
            report_duplicates=schema.report_duplicates,
        )
    parts = {"columns": columns, "whole": whole, "frame": frame}
    _PARTS[id(schema)] = (schema, parts)
    return parts


# --- frame-level checks -----------------------------------------------------------------------


def _frame_findings(typed: TypedTable, contract: Contract) -> list[Finding]:
    schema = _parts(contract)["frame"]
    if schema is None:
        return []
    cases = _failure_cases(schema, typed.frame)
    if cases is None:
        return []
    cases = cases[~cases["column"].isin(typed.missing)]
    findings = []
    row_checks = ~cases["name"].isin(["multiple_fields_uniqueness"])
    for name, group in cases[row_checks].groupby("name", sort=False):
        findings.append(_row_finding(name, group, typed))
    for (column, name), group in cases[~row_checks].groupby(["column", "name"], sort=False):
        positions = np.unique(group["index"].astype(np.int64).to_numpy())
        failure = _Failure(
            str(column), name, _number(group), positions, _value_at(group, positions[0])
        )
        findings.append(_column_finding(failure, positions, typed, contract, None))
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


def _number(group: pd.DataFrame) -> int | None:
    number = group["check_number"].dropna()
    return int(number.iloc[0]) if len(number) else None


def _value_at(group: pd.DataFrame, position: int) -> object:
    found = group.loc[group["index"].astype(np.int64) == position, "failure_case"]
    return found.iloc[0] if len(found) else None


# --- column checks ----------------------------------------------------------------------------


def _column_failures(name: str, typed: TypedTable, contract: Contract) -> list[_Failure]:
    column = contract.schema.columns[name]
    schema = _parts(contract)["columns"][name]
    view = typed.view(name)
    full_unique = column.unique and column.report_duplicates != "all"
    if view is None or full_unique:
        schema = _parts(contract)["whole"][name] if full_unique else schema
        failures = _plain_failures(name, schema, pd.DataFrame({name: typed.columns[name]}))
        if column.unique and not full_unique:
            failures.extend(_unique_failures(name, typed))
    else:
        failures = _view_failures(name, schema, view, contract.columns[name].kind)
        if column.unique:
            failures.extend(_view_unique_failures(name, view, typed))
    return sorted(failures, key=_order)


def _order(failure: _Failure) -> tuple[int, int]:
    return _CORE_ORDER.get(failure.name, 2), failure.check_number or 0


def _groups(cases: pd.DataFrame | None):
    if cases is None:
        return
    yield from cases.groupby(["name"], sort=False)


def _plain_failures(name: str, schema, frame: pd.DataFrame) -> list[_Failure]:
    failures = []
    for (check,), group in _groups(_failure_cases(schema, frame)):
        positions = np.unique(group["index"].astype(np.int64).to_numpy())
        failures.append(
            _Failure(name, check, _number(group), positions, _value_at(group, positions[0]))
        )
    return failures


def _unique_failures(name: str, typed: TypedTable) -> list[_Failure]:
    from datos_cali.hashing import arrow_column, repeated

    positions = np.flatnonzero(repeated(arrow_column(typed.columns[name])))
    if not len(positions):
        typed.unique_columns.add(name)
        return []
    value = typed.columns[name].iloc[int(positions[0])]
    return [_Failure(name, "field_uniqueness", None, positions, value)]


def _view_failures(name: str, schema, view, kind: str) -> list[_Failure]:
    """Validate the distinct values (a null last when the column has nulls) and expand."""
    values = view.values
    has_null = bool(view.counts()[-1])
    if has_null:
        values = pa.concat_arrays([values, pa.nulls(1, values.type)])
    frame = pd.DataFrame({name: to_series(values, kind)})
    failures = []
    for (check,), group in _groups(_failure_cases(schema, frame)):
        failing = np.unique(group["index"].astype(np.int64).to_numpy())
        failures.append(_expanded(name, check, _number(group), view, failing, group))
    return failures


def _expanded(name, check, number, view, failing: np.ndarray, group) -> _Failure:
    """Failing distinct values → the rows holding them, and the value of the first row."""
    size = len(view.values)
    mask = np.zeros(size, dtype=bool)
    mask[failing[failing < size]] = True
    positions = np.flatnonzero(view.rows_where(mask, nulls=bool((failing == size).any())))
    first = int(view.row_indices()[positions[0]]) if len(positions) else size
    value = _value_at(group, first) if group is not None else _distinct_value(view, first)
    return _Failure(name, check, number, positions, value)


def _distinct_value(view, position: int) -> object:
    if position >= len(view.values):
        return None
    return view.values[position].as_py()


def _view_unique_failures(name: str, view, typed: TypedTable) -> list[_Failure]:
    counts = view.counts()
    repeated = np.flatnonzero(counts > 1)
    if not len(repeated):
        typed.unique_columns.add(name)
        return []
    return [_expanded(name, "field_uniqueness", None, view, repeated, None)]


# --- findings ---------------------------------------------------------------------------------


def _column_finding(
    failure: _Failure,
    positions: np.ndarray,
    typed: TypedTable,
    contract: Contract,
    mask: Masker | None,
) -> Finding:
    column, name = failure.column, failure.name
    rows = typed.row_numbers[positions]
    count = len(positions)
    header = typed.headers.get(column, contract.title(column))
    value = (
        failure.value
        if positions[0] == failure.positions[0]
        else _value_of(typed, column, positions[0])
    )
    code, template, extra = _describe(column, name, failure.check_number, contract)
    public, own = worded(
        template,
        row=int(rows[0]),
        value=None if value is None or pd.isna(value) else value,
        column=column,
        mask=mask,
        count=count,
        filas=messages.rows_word(count),
        title=header,
        **extra,
    )
    return Finding(
        kind=Kind.SCHEMA,
        code=code,
        column=column,
        header=header,
        count=count,
        rows=first_rows(rows),
        message=public,
        organismo_message=own,
    )


def _value_of(typed: TypedTable, column: str, position: int) -> object:
    view = typed.view(column)
    if view is not None:  # the column may not be built: read the cell from its distinct values
        return cell_text(view, int(position))
    return typed.columns[column].iloc[int(position)]


def _statistics(column: str, check_number: int | None, contract: Contract) -> dict:
    if check_number is None:
        return {}
    checks = contract.schema.columns[column].checks
    return dict(checks[check_number].statistics) if check_number < len(checks) else {}


def _describe(column: str, name: str, check_number: int | None, contract: Contract):
    if name == "not_nullable":
        return "valor_nulo", messages.SCHEMA_NULL, {}
    if name in ("isin", "notin", "comuna_cali"):
        return "valor_desconocido", messages.SCHEMA_NOT_IN_SET, {}
    if name in ("field_uniqueness", "unique", "multiple_fields_uniqueness"):
        return "valor_repetido", messages.SCHEMA_DUPLICATE, {}
    if name in _RANGE:
        bounds = _RANGE[name].format_map(_Blank(_statistics(column, check_number, contract)))
        return "fuera_de_rango", messages.SCHEMA_OUT_OF_RANGE, {"bounds": bounds}
    if name in _PATTERNS:
        return "formato_invalido", messages.SCHEMA_PATTERN, {}
    if name == "str_length":
        stats = _statistics(column, check_number, contract)
        bounds = f"entre {stats.get('min_value', 0)} y {stats.get('max_value', '∞')} caracteres"
        return "longitud_invalida", messages.SCHEMA_LENGTH, {"bounds": bounds}
    return f"regla_{name}", messages.SCHEMA_CHECK_FAILED, {"check": SPANISH_NAMES.get(name, name)}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"
