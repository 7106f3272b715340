"""Grouped and aggregate SODA reads (`$group`, `count`/`sum`/`avg`/`min`/`max`), in SQLite.

The result rows are computed, not stored rows, so they are built here rather than by `rows`:
one `SELECT … GROUP BY … ORDER BY … LIMIT … OFFSET …` whose result columns are named `c0, c1…`
(never a client's alias), every JSON path a bound parameter. Values come back as SODA returns
them: counts and sums as decimal text (`"5"`, `"130.5"`, exact: `decimal_sum`/`decimal_avg` are
registered by the store), grouped values in their stored form, nulls left out of the row.
Without `$order`, grouped rows come in the order of the grouped values.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from datos_cali.localportal import values as v
from datos_cali.localportal.soql import Query, SelectItem, field_sql, json_path

_NUMBER_RESULT = "number"


def _expression(item: SelectItem, columns: dict[str, v.Column]) -> tuple[str, list[Any]]:
    if item.function == "count":
        if item.source == "*":
            return "count(*)", []
        return "count(json_extract(data, ?))", [json_path(item.source)]
    if item.function in ("sum", "avg"):
        return f"decimal_{item.function}(json_extract(data, ?))", [json_path(item.source)]
    if item.function in ("min", "max"):
        sql, params, _kind = field_sql(item.source, columns)
        return f"{item.function}({sql})", params
    return "json_extract(data, ?)", [json_path(item.source)]


def result_type(item: SelectItem, columns: dict[str, v.Column]) -> str:
    """The column type of a result column (for rendering and the X-SODA2-Types header)."""
    if item.function in ("count", "sum", "avg"):
        return _NUMBER_RESULT
    return columns[item.source].type_name


def _numeric(item: SelectItem, columns: dict[str, v.Column]) -> bool:
    return result_type(item, columns) in (_NUMBER_RESULT, *v.NUMERIC_TYPES)


def _order_sql(query: Query, columns) -> tuple[list[str], list[Any]]:
    """ORDER BY terms: result columns by position (numbers compared as numbers), else groups."""
    select = query.select or []
    parts: list[str] = []
    params: list[Any] = []
    for order in query.order_items:
        position = next(
            (
                n
                for n, item in enumerate(select)
                if (
                    order.function
                    and (item.function, item.source) == (order.function, order.source)
                )
                or (not order.function and item.alias == order.source)
            ),
            None,
        )
        direction = "DESC" if order.descending else "ASC"
        if position is not None:
            term = f"c{position}"
            if _numeric(select[position], columns):
                term = f"CAST({term} AS NUMERIC)"
        else:  # a grouped field that is not selected
            term, params_ = field_sql(order.source, columns)[:2]
            params += params_
        parts.append(f"{term} {direction}")
    if not query.order_items:
        for name in query.group or ():
            term, params_ = field_sql(name, columns)[:2]
            parts.append(f"{term} ASC")
            params += params_
    return parts, params


def select(
    conn: sqlite3.Connection, view_id: str, query: Query, columns: dict[str, v.Column]
) -> list[dict[str, Any]]:
    select_items = query.select or []
    expressions, params = [], []
    for position, item in enumerate(select_items):
        sql, item_params = _expression(item, columns)
        expressions.append(f"{sql} AS c{position}")
        params += item_params
    sql = f"SELECT {', '.join(expressions)} FROM rows WHERE view_id = ?"
    params.append(view_id)
    if query.where:
        sql += f" AND ({query.where.text})"
        params += query.where.params
    if query.group:
        terms = []
        for name in query.group:
            term, group_params = field_sql(name, columns)[:2]
            terms.append(term)
            params += group_params
        sql += " GROUP BY " + ", ".join(terms)
    order, order_params = _order_sql(query, columns)
    if order:
        sql += " ORDER BY " + ", ".join(order)
        params += order_params
    sql += " LIMIT ? OFFSET ?"
    params += [query.limit, query.offset]
    found = conn.execute(sql, params).fetchall()
    return [_render(row, select_items, columns) for row in found]


def _render(row: tuple, items: list[SelectItem], columns) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value, item in zip(row, items, strict=True):
        if value is None:
            continue
        out[item.alias] = _value(value, item, columns)
    return out


def _value(value: Any, item: SelectItem, columns) -> Any:
    if item.function in ("count", "sum", "avg"):
        return str(value)
    kind = columns[item.source].type_name
    if item.function and kind in v.NUMERIC_TYPES:  # min/max computed as numbers
        return v.number_text(value)
    if kind == v.CHECKBOX:
        return bool(value)
    if kind in (v.POINT, v.URL):
        return json.loads(value)
    return value
