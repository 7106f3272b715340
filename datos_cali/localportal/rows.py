"""Rows of a view: upsert, replace, delete and query, each within the caller's transaction.

Upsert follows Socrata: rows match on the view's row identifier when it has one, else on `:id`;
`":deleted": true` deletes the matched row (a missing one is a no-op, not counted); fields left
out of an update keep their values and an explicit null clears one; a row with a value that does
not fit its column is skipped and counted in "Errors"; an unknown field rejects the whole body.
Work is batched (look-ups of existing keys in chunks, `executemany` for the writes) so a 10,000-row
chunk is a handful of statements.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from datos_cali.localportal import ids
from datos_cali.localportal import values as v
from datos_cali.localportal.routing import HttpError
from datos_cali.localportal.soql import SYSTEM_FIELDS, Query

UNKNOWN_FIELD = "Unrecognized field {name!r}: the dataset has no column with that field name"
NOT_AN_OBJECT = "Each row must be a JSON object, got {kind}"
NOT_A_LIST = "The body must be a JSON array of row objects"

# System fields a client may send back after reading with $$exclude_system_fields=false.
_IGNORED_INPUT = (":created_at", ":updated_at", ":version")
_LOOKUP_CHUNK = 500


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    by_row_identifier: int = 0
    by_sid: int = 0
    errors: int = 0
    row_ids: list[str] = field(default_factory=list)

    def answer(self) -> dict[str, int]:
        """Socrata's upsert answer, key for key."""
        return {
            "Rows Created": self.created,
            "Rows Updated": self.updated,
            "Rows Deleted": self.deleted,
            "By RowIdentifier": self.by_row_identifier,
            "By SID": self.by_sid,
            "Errors": self.errors,
        }

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass(eq=False)
class _Slot:
    """The state of one identified row while a body is applied."""

    sid: int | None  # None until inserted
    data: dict[str, Any] | None  # None: absent or deleted
    existed: bool
    key: str | None
    dirty: bool = False


def check_fields(rows: list[Any], columns: dict[str, v.Column]) -> None:
    """Reject the whole body before anything is applied (Socrata answers 400 for these)."""
    for row in rows:
        if not isinstance(row, dict):
            raise HttpError(400, "invalid_request", NOT_AN_OBJECT.format(kind=type(row).__name__))
        for name in row:
            if name not in columns and name not in (":id", ":deleted", *_IGNORED_INPUT):
                message = UNKNOWN_FIELD.format(name=name)
                raise HttpError(400, "invalid_request", message, {"field": name})


def _is_deleted(row: dict[str, Any]) -> bool:
    flag = row.get(":deleted")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


def _values(row: dict[str, Any], columns: dict[str, v.Column]) -> dict[str, Any]:
    """The normalised values the row sends (None = clear); raises BadValue."""
    return {
        name: v.normalize(columns[name].type_name, value)
        for name, value in row.items()
        if name in columns
    }


def _lookup(conn, view_id: str, column: str, wanted: list[Any]) -> dict[Any, tuple[int, str]]:
    """Existing rows by row_key or sid: value → (sid, data)."""
    found: dict[Any, tuple[int, str]] = {}
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT {column}, sid, data FROM rows WHERE view_id = ? AND {column} IN ({marks})"
        for value, sid, data in conn.execute(sql, [view_id, *chunk]):
            found[value] = (sid, data)
    return found


def apply(
    conn: sqlite3.Connection,
    view_id: str,
    columns: dict[str, v.Column],
    row_identifier: str | None,
    body: list[dict[str, Any]],
    now: float,
    *,
    replace: bool = False,
) -> WriteResult:
    """Apply an upsert (or, with `replace`, a truncate-then-insert) body to a view's rows."""
    check_fields(body, columns)
    result = WriteResult()
    if replace:
        conn.execute("DELETE FROM rows WHERE view_id = ?", (view_id,))

    # 1. Identify each row: ("key", text) by row identifier, ("sid", n) by :id, or None (new).
    identified: list[tuple[dict[str, Any], tuple[str, Any] | None, str | None]] = []
    rid_type = columns[row_identifier].type_name if row_identifier else v.TEXT
    for row in body:
        ident, problem = None, None
        if row_identifier and row.get(row_identifier) not in (None, ""):
            try:
                ident = ("key", v.key_text(rid_type, v.normalize(rid_type, row[row_identifier])))
                result.row_ids.append(ident[1])
            except v.BadValue:
                problem = "bad key"
                result.row_ids.append(str(row[row_identifier]))
        elif row.get(":id") not in (None, "") and not replace:
            sid = ids.parse_row_id(row[":id"])
            result.row_ids.append(str(row[":id"]))
            if sid is None:
                problem = "bad :id"
            else:
                ident = ("sid", sid)
        elif row_identifier:
            problem = "missing key"
        identified.append((row, ident, problem))

    # 2. Load the existing rows the body names; a row named by key and by :id is one slot.
    slots: dict[tuple[str, Any], _Slot] = {}
    if not replace:
        keys = list({i[1] for _r, i, _p in identified if i and i[0] == "key"})
        for key, (sid, data) in _lookup(conn, view_id, "row_key", keys).items():
            slots[("key", key)] = _Slot(sid, json.loads(data), True, key)
        by_sid = {slot.sid: slot for slot in slots.values()}
        sids = {i[1] for _r, i, _p in identified if i and i[0] == "sid"}
        for sid, (_sid, data) in _lookup(conn, view_id, "sid", list(sids - by_sid.keys())).items():
            by_sid[sid] = _Slot(sid, json.loads(data), True, None)
        for sid in sids & by_sid.keys():
            slots[("sid", sid)] = by_sid[sid]

    # 3. Walk the body in order, so later rows see earlier ones (as Socrata applies them).
    inserts: list[_Slot] = []
    for row, ident, problem in identified:
        if problem:
            result.errors += 1
            continue
        slot = slots.get(ident) if ident else None
        if _is_deleted(row):
            if slot is not None and slot.data is not None:
                slot.data, slot.dirty = None, True
                result.deleted += 1
                _count_match(result, ident)
            continue
        try:
            sent = _values(row, columns)
        except v.BadValue:
            result.errors += 1
            continue
        if slot is not None and slot.data is not None:
            slot.data.update(sent)
            slot.data = {k: val for k, val in slot.data.items() if val is not None}
            slot.dirty = True
            result.updated += 1
            _count_match(result, ident)
        elif ident and ident[0] == "sid":
            result.errors += 1  # :id of a row that does not exist: nothing to update
        else:
            data = {k: val for k, val in sent.items() if val is not None}
            key = ident[1] if ident else None
            if slot is None:
                slot = _Slot(None, data, False, key)
                if ident:
                    slots[ident] = slot
                inserts.append(slot)
            else:  # deleted earlier in this body, created again
                slot.data, slot.dirty = data, True
                if not slot.existed and slot not in inserts:
                    inserts.append(slot)
            result.created += 1

    # 4. Write: deletes, updates, then inserts in body order (so new sids follow the body).
    ordered = [columns[name].field_name for name in columns]
    touched = [s for s in {id(s): s for s in slots.values()}.values() if s.existed and s.dirty]
    deletes = [(s.sid,) for s in touched if s.data is None]
    updates = [
        (_dump(s.data, ordered), _key_of(s.data, row_identifier, rid_type), now, s.sid)
        for s in touched
        if s.data is not None
    ]
    new_rows = [
        (view_id, s.key, _dump(s.data, ordered), now, now) for s in inserts if s.data is not None
    ]
    conn.executemany("DELETE FROM rows WHERE sid = ?", deletes)
    conn.executemany("UPDATE rows SET data = ?, row_key = ?, updated_at = ? WHERE sid = ?", updates)
    conn.executemany(
        "INSERT INTO rows (view_id, row_key, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        new_rows,
    )
    return result


def _key_of(data: dict[str, Any], row_identifier: str | None, kind: str) -> str | None:
    value = data.get(row_identifier) if row_identifier else None
    return None if value is None else v.key_text(kind, value)


def _count_match(result: WriteResult, ident: tuple[str, Any] | None) -> None:
    if ident and ident[0] == "key":
        result.by_row_identifier += 1
    elif ident:
        result.by_sid += 1


def _dump(data: dict[str, Any], ordered: list[str]) -> str:
    """Row JSON with fields in column order, nulls omitted (the exact SODA output)."""
    return json.dumps(
        {name: data[name] for name in ordered if data.get(name) is not None},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _named_row(row_identifier: str | None, columns, text: str) -> tuple[str, Any] | None:
    """The condition on `rows` for a row named by its `:id` or its row identifier value
    (None when the text can name no row)."""
    sid = ids.parse_row_id(text)
    if sid is not None:
        return "sid = ?", sid
    if not row_identifier:
        return None
    try:
        kind = columns[row_identifier].type_name
        return "row_key = ?", v.key_text(kind, v.normalize(kind, text))
    except v.BadValue:
        return None


def delete_one(conn, view_id: str, row_identifier: str | None, columns, text: str) -> bool:
    """Delete the row named by its row identifier value or its `:id`; False if there is none."""
    named = _named_row(row_identifier, columns, text)
    if named is None:
        return False
    sql, param = named
    cursor = conn.execute(f"DELETE FROM rows WHERE view_id = ? AND {sql}", (view_id, param))
    return cursor.rowcount > 0


def find_one(conn, view_id: str, row_identifier: str | None, columns, text: str):
    """The stored row (sid, data, created, updated) named by row identifier value or `:id`."""
    named = _named_row(row_identifier, columns, text)
    if named is None:
        return None
    sql, param = named
    return conn.execute(
        f"SELECT sid, data, created_at, updated_at FROM rows WHERE view_id = ? AND {sql}",
        (view_id, param),
    ).fetchone()


def rekey(conn, view_id: str, row_identifier: str | None, columns) -> None:
    """Recompute every row's key after the row identifier changed; raises on duplicates."""
    conn.execute("UPDATE rows SET row_key = NULL WHERE view_id = ?", (view_id,))
    if not row_identifier:
        return
    kind = columns[row_identifier].type_name
    updates = []
    for sid, data in conn.execute("SELECT sid, data FROM rows WHERE view_id = ?", (view_id,)):
        value = json.loads(data).get(row_identifier)
        updates.append((None if value is None else v.key_text(kind, value), sid))
    conn.executemany("UPDATE rows SET row_key = ? WHERE sid = ?", updates)


def count(conn, view_id: str, query: Query | None = None) -> int:
    sql, params = "SELECT count(*) FROM rows WHERE view_id = ?", [view_id]
    if query and query.where:
        sql += f" AND ({query.where.text})"
        params += query.where.params
    return conn.execute(sql, params).fetchone()[0]


def select(conn, view_id: str, query: Query) -> list[tuple[int, str, float, float]]:
    sql = "SELECT sid, data, created_at, updated_at FROM rows WHERE view_id = ?"
    params: list[Any] = [view_id]
    if query.where:
        sql += f" AND ({query.where.text})"
        params += query.where.params
    sql += f" ORDER BY {query.order.text} LIMIT ? OFFSET ?"
    params += [*query.order.params, query.limit, query.offset]
    return conn.execute(sql, params).fetchall()


def iterate(store, view_id: str, batch: int = 5000) -> Iterator[tuple[int, str, float, float]]:
    """Every row in :id order, in short read batches (exports of a million rows stream)."""
    last = -1
    while True:
        with store.read() as conn:
            chunk = conn.execute(
                "SELECT sid, data, created_at, updated_at FROM rows "
                "WHERE view_id = ? AND sid > ? ORDER BY sid LIMIT ?",
                (view_id, last, batch),
            ).fetchall()
        yield from chunk
        if len(chunk) < batch:
            return
        last = chunk[-1][0]


def fixed_timestamp(epoch: float) -> str:
    """`:created_at`-style time: UTC with milliseconds and a Z."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def render(
    record: tuple[int, str, float, float],
    select: list[tuple[str, str]] | None,
    include_system: bool,
) -> dict[str, Any]:
    """One stored row as SODA returns it; `select` is [(source, alias)] or None for all."""
    sid, data, created, updated = record
    values = json.loads(data)
    system = {":id": ids.row_id(sid), ":created_at": fixed_timestamp(created)}
    system[":updated_at"] = fixed_timestamp(updated)
    if select is None:
        return {**system, **values} if include_system else values
    out = {}
    for source, alias in select:
        value = system[source] if source in SYSTEM_FIELDS else values.get(source)
        if value is not None:
            out[alias] = value
    return out
