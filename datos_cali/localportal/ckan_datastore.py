"""The DataStore: one table per resource, its records, and the search over them.

Each function works inside the caller's transaction and raises the CKAN errors of
`ckan_errors`, so a refused request changes nothing (as one PostgreSQL transaction would not).
Behaviour follows `ckanext/datastore`:

- `datastore_create` makes the table or updates it: new fields are added, `info` is replaced,
  a field's type cannot change here (CKAN would ALTER it; the pipeline never asks), and
  `primary_key` (a unique key) replaces the previous one;
- `upsert` matches records on the primary key, or on `_id` when a record carries one; fields a
  record leaves out keep their values; `insert` refuses a duplicate key; `update` refuses a key
  that does not exist; `_id` numbers rows in insertion order and is never reused;
- `delete` with `filters` deletes matching rows; without `filters` the table itself is dropped;
- `search` filters on equality (a list value means any of them), sorts (`_id` by default),
  pages with `limit` (default 100, at most 32,000) and `offset`, and counts `total`.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from datos_cali.localportal import ckan_values as cv
from datos_cali.localportal.ckan_errors import invalid, not_found
from datos_cali.localportal.routing import HttpError

SCHEMA = """
CREATE TABLE IF NOT EXISTS ckan_tables (
    resource_id TEXT PRIMARY KEY,
    fields TEXT NOT NULL,
    primary_key TEXT NOT NULL,
    next_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ckan_records (
    resource_id TEXT NOT NULL,
    _id INTEGER NOT NULL,
    row_key TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (resource_id, _id)
);
CREATE UNIQUE INDEX IF NOT EXISTS ckan_records_by_key ON ckan_records (resource_id, row_key);
"""

METHODS = ("upsert", "insert", "update")
ROWS_DEFAULT, ROWS_MAX = 100, 32_000
_LOOKUP_CHUNK = 500

TABLE_MISSING = 'Resource "{id}" was not found.'
BAD_FIELD_ID = '"{id}" is not a valid field name'
BAD_TYPE = '"{type}" is not a valid field type'
TYPE_CHANGE = 'field "{id}" is of type {old}; the local portal does not change field types'
NOT_A_FIELD = 'field "{id}" not in table'
DUPLICATE_VALUES = 'could not create unique index: "{fields}" has duplicated values'
NO_UNIQUE_KEY = "unique key must be passed for update/upsert"
KEY_MISSING = 'fields "{fields}" are missing but needed as key'
UNKNOWN_FIELDS = 'fields "{fields}" do not exist'
DUPLICATE_KEY = 'duplicate key value violates unique constraint: key "{key}" already exists'
KEY_NOT_FOUND = 'key "{key}" not found'
BAD_METHOD = "Value must be one of {choices} (not '{value}')"
NOT_RECORDS = "records must be a list of dicts"
NATURAL = "Must be a natural number"
BAD_INTEGER = "Invalid integer"
BAD_FILTER = "operator filters are not supported by the local portal; use a value or a list"
NOT_A_DICT = "filters must be either a dict or null."


@dataclass
class Table:
    resource_id: str
    fields: list[dict[str, Any]]  # {"id", "type", "info"?} in column order
    primary_key: list[str]
    next_id: int

    @property
    def types(self) -> dict[str, str]:
        return {f["id"]: cv.canonical_type(f["type"]) or cv.TEXT for f in self.fields}

    def key_of(self, data: dict[str, Any]) -> str | None:
        if not self.primary_key:
            return None
        values = [data.get(name) for name in self.primary_key]
        if any(value is None for value in values):
            return None  # a unique index lets nulls repeat, as PostgreSQL's does
        types = self.types
        return cv.KEY_SEPARATOR.join(
            cv.key_text(types[name], value)
            for name, value in zip(self.primary_key, values, strict=True)
        )


def get(conn: sqlite3.Connection, resource_id: str) -> Table | None:
    row = conn.execute(
        "SELECT resource_id, fields, primary_key, next_id FROM ckan_tables WHERE resource_id = ?",
        (resource_id,),
    ).fetchone()
    if row is None:
        return None
    return Table(row[0], json.loads(row[1]), json.loads(row[2]), row[3])


def require(conn: sqlite3.Connection, resource_id: str) -> Table:
    table = get(conn, resource_id)
    if table is None:
        raise not_found(TABLE_MISSING.format(id=resource_id))
    return table


def _save(conn: sqlite3.Connection, table: Table) -> None:
    conn.execute(
        "INSERT INTO ckan_tables (resource_id, fields, primary_key, next_id) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (resource_id) DO UPDATE SET fields = excluded.fields, "
        "primary_key = excluded.primary_key, next_id = excluded.next_id",
        (
            table.resource_id,
            json.dumps(table.fields, ensure_ascii=False),
            json.dumps(table.primary_key),
            table.next_id,
        ),
    )


def as_list(value: Any) -> list[str]:
    """CKAN's "list or comma separated string"."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise invalid(value=[f"Not a list or comma separated string: {value!r}"])


# --- tables -----------------------------------------------------------------------------------


def _checked_fields(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
        raise invalid(fields=["fields must be a list of dicts"])
    checked = []
    for given in raw:
        field_id = given.get("id")
        if (
            not isinstance(field_id, str)
            or not field_id
            or field_id.startswith("_")
            or '"' in field_id
            or len(field_id) > 63
        ):
            raise invalid(fields=[BAD_FIELD_ID.format(id=field_id)])
        kind = given.get("type", "text")
        if cv.canonical_type(kind) is None:
            raise invalid(fields=[BAD_TYPE.format(type=kind)])
        field = {"id": field_id, "type": str(kind).lower()}
        if isinstance(given.get("info"), dict):
            field["info"] = given["info"]
        checked.append(field)
    return checked


def create_or_update(
    conn: sqlite3.Connection, resource_id: str, fields: Any, primary_key: Any
) -> Table:
    """`datastore_create` without records: make the table, or add fields / set info / set the key."""
    table = get(conn, resource_id) or Table(resource_id, [], [], 1)
    if fields is not None:
        current = {f["id"]: f for f in table.fields}
        for field in _checked_fields(fields):
            known = current.get(field["id"])
            if known is None:
                table.fields.append(field)
                current[field["id"]] = field
            elif cv.canonical_type(known["type"]) != cv.canonical_type(field["type"]):
                raise invalid(fields=[TYPE_CHANGE.format(id=field["id"], old=known["type"])])
            elif "info" in field:
                known["info"] = field["info"]
    if primary_key is not None:
        wanted = as_list(primary_key)
        for name in wanted:
            if name not in table.types:
                raise invalid(primary_key=[NOT_A_FIELD.format(id=name)])
        if wanted != table.primary_key:
            table.primary_key = wanted
            _rekey(conn, table)
    _save(conn, table)
    return table


def _rekey(conn: sqlite3.Connection, table: Table) -> None:
    rid = table.resource_id
    conn.execute("UPDATE ckan_records SET row_key = NULL WHERE resource_id = ?", (rid,))
    if not table.primary_key:
        return
    updates = [
        (table.key_of(json.loads(data)), _id)
        for _id, data in conn.execute(
            "SELECT _id, data FROM ckan_records WHERE resource_id = ?", (rid,)
        )
    ]
    try:
        conn.executemany(
            "UPDATE ckan_records SET row_key = ? WHERE resource_id = ? AND _id = ?",
            [(key, rid, _id) for key, _id in updates],
        )
    except sqlite3.IntegrityError:
        raise invalid(
            primary_key=[DUPLICATE_VALUES.format(fields=", ".join(table.primary_key))]
        ) from None


def drop(conn: sqlite3.Connection, resource_id: str) -> None:
    conn.execute("DELETE FROM ckan_records WHERE resource_id = ?", (resource_id,))
    conn.execute("DELETE FROM ckan_tables WHERE resource_id = ?", (resource_id,))


# --- writes -----------------------------------------------------------------------------------


@dataclass
class _Slot:
    _id: int | None  # None until inserted
    data: dict[str, Any]
    existed: bool
    dirty: bool = False


def write(
    conn: sqlite3.Connection, table: Table, records: Any, method: str = "upsert"
) -> list[str]:
    """Apply `records` by `method`; returns the key (or `_id`) of each record, for the log."""
    if method not in METHODS:
        choices = "; ".join(METHODS)
        raise invalid(method=[BAD_METHOD.format(choices=choices, value=method)])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise invalid(records=[NOT_RECORDS])
    types = table.types
    prepared = [
        _prepare(table, types, number, record, method) for number, record in enumerate(records)
    ]

    keys = [key for _n, key, _i, _v in prepared if key is not None]
    ids = [_id for _n, _k, _id, _v in prepared if _id is not None]
    by_key = _existing(conn, table.resource_id, "row_key", keys)
    by_id = _existing(conn, table.resource_id, "_id", ids)

    slots: dict[tuple[str, Any], _Slot] = {}
    for slot_id, data in by_id.items():
        slots[("_id", slot_id)] = _Slot(slot_id, data, True)
    for key, (slot_id, data) in by_key.items():
        slots[("key", key)] = slots.get(("_id", slot_id)) or _Slot(slot_id, data, True)
    inserts: list[_Slot] = []
    logged: list[str] = []
    for number, key, given_id, values in prepared:
        ident = ("_id", given_id) if given_id is not None else None
        ident = ident or (("key", key) if key is not None else None)
        logged.append(key if key is not None else str(given_id) if given_id is not None else "")
        slot = slots.get(ident) if ident and method != "insert" else None
        if method == "insert":
            if key is not None and (("key", key) in slots):
                raise invalid(records=[DUPLICATE_KEY.format(key=key)], records_row=number)
            slot = _Slot(None, values, False, True)
            inserts.append(slot)
            if key is not None:
                slots[("key", key)] = slot
            continue
        if slot is None:
            if method == "update":
                raise invalid(key=[KEY_NOT_FOUND.format(key=key if key is not None else given_id)])
            slot = _Slot(given_id, values, False, True)
            inserts.append(slot)
            slots[ident] = slot
            continue
        slot.data.update(values)
        slot.dirty = True
    _store(conn, table, slots.values(), inserts)
    return [entry for entry in logged if entry]


def _prepare(table: Table, types: dict[str, str], number: int, record: dict, method: str):
    """(row number, key text, given _id, normalized values) of one record; raises on problems."""
    unknown = [name for name in record if name not in types and name != "_id"]
    if unknown:
        raise invalid(fields=[UNKNOWN_FIELDS.format(fields=", ".join(unknown))])
    given_id = None
    if "_id" in record and method != "insert":
        try:
            given_id = int(record["_id"])
        except (TypeError, ValueError):
            raise invalid(
                records=[cv.SYNTAX.format(type="int", value=record["_id"])], records_row=number
            ) from None
    if method != "insert" and given_id is None:
        if not table.primary_key:
            raise invalid(table=[NO_UNIQUE_KEY])
        missing = [name for name in table.primary_key if name not in record]
        if missing:
            raise invalid(key=[KEY_MISSING.format(fields=", ".join(missing))])
    try:
        values = {
            name: cv.normalize(types[name], value)
            for name, value in record.items()
            if name != "_id"
        }
    except cv.BadValue as exc:
        raise invalid(records=[str(exc)], records_row=number) from None
    key = table.key_of(values) if table.primary_key and given_id is None else None
    return number, key, given_id, values


def _existing(conn, resource_id: str, column: str, wanted: list) -> dict:
    found: dict[Any, Any] = {}
    unique = list(dict.fromkeys(wanted))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start : start + _LOOKUP_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        sql = (
            f"SELECT {column}, _id, data FROM ckan_records "
            f"WHERE resource_id = ? AND {column} IN ({marks})"
        )
        for value, _id, data in conn.execute(sql, [resource_id, *chunk]):
            found[value] = json.loads(data) if column == "_id" else (_id, json.loads(data))
    return found


def _dump(data: dict[str, Any], fields: list[dict[str, Any]]) -> str:
    ordered = {f["id"]: data[f["id"]] for f in fields if data.get(f["id"]) is not None}
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":"))


def _store(conn, table: Table, slots, inserts: list[_Slot]) -> None:
    rid = table.resource_id
    seen: set[int] = set()
    updates = []
    for slot in slots:
        if slot.existed and slot.dirty and id(slot) not in seen:
            seen.add(id(slot))
            updates.append((_dump(slot.data, table.fields), table.key_of(slot.data), rid, slot._id))
    rows = []
    for slot in inserts:
        if slot._id is None:
            slot._id = table.next_id
        table.next_id = max(table.next_id, slot._id + 1)
        rows.append((rid, slot._id, table.key_of(slot.data), _dump(slot.data, table.fields)))
    try:
        conn.executemany(
            "UPDATE ckan_records SET data = ?, row_key = ? WHERE resource_id = ? AND _id = ?",
            updates,
        )
        conn.executemany(
            "INSERT INTO ckan_records (resource_id, _id, row_key, data) VALUES (?, ?, ?, ?)", rows
        )
    except sqlite3.IntegrityError as exc:
        raise invalid(records=[DUPLICATE_KEY.format(key=str(exc))]) from None
    _save(conn, table)


def delete(conn: sqlite3.Connection, table: Table, filters: Any) -> tuple[int, list[str]]:
    """Delete the rows `filters` match; returns (rows deleted, key values named by the filters)."""
    where, params, named = _where(table, filters)
    cursor = conn.execute(
        f"DELETE FROM ckan_records WHERE resource_id = ?{where}", [table.resource_id, *params]
    )
    return cursor.rowcount, named


# --- reads ------------------------------------------------------------------------------------


def _path(field_id: str) -> str:
    return '$."' + field_id + '"'


def _where(table: Table, filters: Any) -> tuple[str, list[Any], list[str]]:
    """SQL after `resource_id = ?`, its parameters, and the key values named (for the log)."""
    if filters is None:
        return "", [], []
    if not isinstance(filters, dict):
        raise invalid(filters=[NOT_A_DICT])
    types = table.types
    clauses: list[str] = []
    params: list[Any] = []
    named: list[str] = []
    for field_id, wanted in filters.items():
        if field_id != "_id" and field_id not in types:
            raise invalid(filters=[NOT_A_FIELD.format(id=field_id)])
        if isinstance(wanted, dict):
            raise invalid(filters=[BAD_FILTER])
        values = wanted if isinstance(wanted, list) else [wanted]
        kind = cv.INT if field_id == "_id" else types[field_id]
        try:
            stored = [cv.normalize(kind, value) for value in values]
        except cv.BadValue as exc:
            raise invalid(filters=[str(exc)]) from None
        present = [value for value in stored if value is not None]
        if table.primary_key == [field_id]:
            texts = [cv.key_text(kind, value) for value in present]
            named.extend(texts)
            column, bound = "row_key", texts
        elif field_id == "_id":
            column, bound = "_id", present
        else:
            column, bound = "json_extract(data, ?)", present
        parts = []
        if bound:  # one JSON array parameter, however many values (no SQLite variable limit)
            parts.append(f"{column} IN (SELECT value FROM json_each(?))")
            params.extend([_path(field_id)] if column.startswith("json") else [])
            params.append(json.dumps(bound, ensure_ascii=False))
        if len(present) < len(stored):
            parts.append("json_extract(data, ?) IS NULL")
            params.append(_path(field_id))
        clauses.append("(" + " OR ".join(parts or ["0"]) + ")")
    return "".join(f" AND {clause}" for clause in clauses), params, named


def _order(table: Table, sort: Any) -> tuple[str, list[Any]]:
    """ORDER BY for CKAN's `sort` ("a, b desc"); nulls sort last ascending, as in PostgreSQL."""
    parts, params = [], []
    for item in as_list(sort) if sort else ["_id"]:
        words = item.split()
        name = words[0].strip('"')
        descending = len(words) > 1 and words[1].lower() == "desc"
        direction = "DESC" if descending else "ASC"
        if name == "_id":
            parts.append(f"_id {direction}")
            continue
        if name not in table.types:
            raise invalid(sort=[NOT_A_FIELD.format(id=name)])
        parts.append(
            f"(json_extract(data, ?) IS NULL) {direction}, json_extract(data, ?) {direction}"
        )
        params += [_path(name), _path(name)]
    if not any(part.startswith("_id") for part in parts):
        parts.append("_id ASC")
    return ", ".join(parts), params


def natural(value: Any, name: str, default: int) -> int:
    """A whole number of at least 0 (CKAN's natural_number_validator), or `default`."""
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise invalid(**{name: [NATURAL if name == "limit" else BAD_INTEGER]}) from None
    if number < 0 or isinstance(value, bool):
        raise invalid(**{name: [NATURAL if name == "limit" else BAD_INTEGER]})
    return number


RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
BAD_FORMAT = "Value must be one of {formats}"


def _checked(table: Table, params: dict[str, Any]) -> tuple[list[str], int, int]:
    """Fields, limit and offset — every problem reported at once in one 409, as CKAN does."""
    types, errors = table.types, {}
    chosen = as_list(params.get("fields")) or ["_id", *types]
    bad = [NOT_A_FIELD.format(id=n) for n in chosen if n != "_id" and n not in types]
    if bad:
        errors["fields"] = bad
    numbers = {}
    for name, default in (("limit", ROWS_DEFAULT), ("offset", 0)):
        try:
            numbers[name] = natural(params.get(name), name, default)
        except HttpError as error:
            errors.update(error.data)
    if params.get("records_format", "objects") not in RECORDS_FORMATS:
        errors["records_format"] = [BAD_FORMAT.format(formats=", ".join(RECORDS_FORMATS))]
    try:
        _order(table, params.get("sort"))
    except HttpError as error:
        errors.update(error.data)
    if errors:
        raise invalid(**errors)
    return chosen, min(numbers["limit"], ROWS_MAX), numbers["offset"]


def _text_query(q: Any) -> tuple[str, list[Any]]:
    """CKAN's `q` (full text over every column), as a case-insensitive word match per value."""
    if not q:
        return "", []
    words = str(q).casefold().split() if isinstance(q, str) else []
    sql, params = "", []
    for word in words:
        sql += (
            " AND EXISTS (SELECT 1 FROM json_each(ckan_records.data) "
            "WHERE lower(CAST(json_each.value AS TEXT)) LIKE ?)"
        )
        params.append(f"%{word}%")
    return sql, params


def search(conn: sqlite3.Connection, table: Table, params: dict[str, Any]) -> dict[str, Any]:
    """`datastore_search`'s result for already-parsed parameters."""
    types = table.types
    chosen, limit, offset = _checked(table, params)
    filters = params.get("filters")
    where, where_params, _named = _where(table, filters)
    text, text_params = _text_query(params.get("q"))
    where, where_params = where + text, [*where_params, *text_params]
    order, order_params = _order(table, params.get("sort"))
    found = conn.execute(
        f"SELECT _id, data FROM ckan_records WHERE resource_id = ?{where} "
        f"ORDER BY {order} LIMIT ? OFFSET ?",
        [table.resource_id, *where_params, *order_params, limit, offset],
    ).fetchall()
    rows = []
    for _id, data in found:
        values = json.loads(data)
        rows.append(
            [_id if name == "_id" else cv.render(types[name], values.get(name)) for name in chosen]
        )
    records_format = params.get("records_format", "objects")
    by_id = {f["id"]: f for f in table.fields}
    result: dict[str, Any] = {
        "include_total": params.get("include_total", True),
        "resource_id": table.resource_id,
        "fields": [
            {"id": "_id", "type": "int"} if name == "_id" else dict(by_id[name]) for name in chosen
        ],
        "records_format": records_format,
        "records": _formatted(rows, chosen, records_format),
        "limit": limit,
    }
    if params.get("offset") not in (None, ""):
        result["offset"] = offset
    if filters:
        result["filters"] = filters
    if params.get("q"):
        result["q"] = params["q"]
    if params.get("sort"):
        result["sort"] = params["sort"]
    if result["include_total"]:
        result["total"] = conn.execute(
            f"SELECT count(*) FROM ckan_records WHERE resource_id = ?{where}",
            [table.resource_id, *where_params],
        ).fetchone()[0]  # exact; CKAN 2.12 omits `total_was_estimated` unless it estimated
    return result


def _formatted(rows: list[list[Any]], names: list[str], records_format: str) -> Any:
    """Records as CKAN gives them: objects, lists, or CSV/TSV text without a header line."""
    if records_format == "objects":
        return [dict(zip(names, row, strict=True)) for row in rows]
    if records_format == "lists":
        return rows
    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if records_format == "csv" else "\t")
    for row in rows:
        writer.writerow([cv.csv_cell(v) for v in row])
    return out.getvalue()


def info(conn: sqlite3.Connection, table: Table) -> dict[str, Any]:
    """`datastore_info`: the table's row count and its fields (CKAN 2.11's `meta` + `fields`)."""
    count = conn.execute(
        "SELECT count(*) FROM ckan_records WHERE resource_id = ?", (table.resource_id,)
    ).fetchone()[0]
    return {
        "meta": {"id": table.resource_id, "count": count, "table_type": "BASE TABLE"},
        "fields": [dict(f) for f in table.fields],
    }


def iterate(store, table: Table, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Every row in `_id` order, read in short batches (a download of a big table streams)."""
    last = 0
    while True:
        with store.read() as conn:
            chunk = conn.execute(
                "SELECT _id, data FROM ckan_records WHERE resource_id = ? AND _id > ? "
                "ORDER BY _id LIMIT ?",
                (table.resource_id, last, batch),
            ).fetchall()
        for _id, data in chunk:
            yield {"_id": _id, **json.loads(data)}
        if len(chunk) < batch:
            return
        last = chunk[-1][0]
