"""Views (Socrata's name for datasets): their JSON, lifecycle, working copies and usage counters.

A view's stored `body` is everything a client sent (kept verbatim, unknown keys included) plus
the columns as the portal completed them. The fields the server owns — id, publicationStage,
timestamps, counters, grants, working-copy links, the `license` object — live in their own
table columns or are derived, and are merged in when the view is rendered, so a PUT can never
overwrite them.

As on real Socrata, `metadata.rowIdentifier` may be sent as a fieldName or a column id but is
stored and returned as the column's numeric id (sodapy's recorded create: sent `"bar"`, got
`230641051`, xmunoz/sodapy tests/test_data/create_foobar.txt), and `licenseId` must be one of
Socrata's license codes (`licenses`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from datos_cali.localportal import ids, licenses, rows
from datos_cali.localportal import values as v
from datos_cali.localportal.routing import HttpError

NAME_REQUIRED = "A view needs a non-empty 'name'"
NOT_AN_OBJECT = "The body must be a JSON object"
COLUMNS_NOT_A_LIST = "'columns' must be a list of column objects"
BAD_FIELD_NAME = (
    "Invalid fieldName {name!r}: field names must be ASCII snake_case "
    "(lowercase letters, digits and underscores, not starting with a digit)"
)
DUPLICATE_FIELD = "Duplicate fieldName {name!r}"
BAD_TYPE = "Unsupported dataTypeName {type!r} for column {name!r}; supported: {supported}"
BAD_ROW_IDENTIFIER = "metadata.rowIdentifier {value!r} is not a column of this view"
BAD_KEY_TYPE = "Column {name!r} of type {type!r} cannot be the row identifier"
DUPLICATE_KEYS = "Rows of this view repeat values of {name!r}; it cannot be the row identifier"
METADATA_NOT_OBJECT = "'metadata' must be a JSON object"
BAD_LICENSE = "Unknown licenseId {value!r}; use one of the domain's license codes: {known}"
COPY_OF_COPY = "View {id} is a working copy; only published views can be copied"
COPY_UNPUBLISHED = "View {id} is not published; only published views can be copied"

PUBLISHED, UNPUBLISHED = "published", "unpublished"
VIEW, DOWNLOAD = "view", "download"
WEEK, MONTH = 7 * 86400, 30 * 86400

# Keys the server owns: ignored when a client sends them.
SERVER_KEYS = frozenset(
    {
        "id",
        "createdAt",
        "rowsUpdatedAt",
        "viewLastModified",
        "viewCount",
        "downloadCount",
        "publicationStage",
        "publicationGroup",
        "publishedViewUid",
        "grants",
        "rowIdentifierColumnId",
        "license",
    }
)
_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class ViewRecord:
    id: str
    body: dict[str, Any]
    is_public: bool
    stage: str
    parent_id: str | None
    copy_ready: bool
    publication_group: int
    row_identifier: str | None
    created_at: float
    rows_updated_at: float
    view_last_modified: float
    view_count: int
    download_count: int

    @property
    def columns(self) -> dict[str, v.Column]:
        return {
            c["fieldName"]: v.Column(c["fieldName"], _type_of(c), c.get("name", ""))
            for c in self.body.get("columns", [])
        }

    @property
    def name(self) -> str:
        return str(self.body.get("name", ""))


_COLUMNS = (
    "id, body, is_public, stage, parent_id, copy_ready, publication_group, row_identifier, "
    "created_at, rows_updated_at, view_last_modified, view_count, download_count"
)


_UPDATE_ALL = ", ".join(f"{name} = excluded.{name}" for name in _COLUMNS.split(", ")[1:])


def _record(row: tuple) -> ViewRecord:
    values = list(row)
    values[1] = json.loads(values[1])
    values[2], values[5] = bool(values[2]), bool(values[5])
    return ViewRecord(*values)


def get(conn: sqlite3.Connection, view_id: str) -> ViewRecord | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM views WHERE id = ?", (view_id,)).fetchone()
    return _record(row) if row else None


def all_views(conn: sqlite3.Connection) -> list[ViewRecord]:
    rows_ = conn.execute(f"SELECT {_COLUMNS} FROM views ORDER BY created_at, rowid").fetchall()
    return [_record(row) for row in rows_]


def working_copy_of(conn: sqlite3.Connection, view_id: str) -> ViewRecord | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM views WHERE parent_id = ? ORDER BY created_at LIMIT 1",
        (view_id,),
    ).fetchone()
    return _record(row) if row else None


def _save(conn: sqlite3.Connection, record: ViewRecord) -> None:
    conn.execute(
        f"INSERT INTO views ({_COLUMNS}) VALUES ({', '.join('?' * 13)}) "
        f"ON CONFLICT (id) DO UPDATE SET {_UPDATE_ALL}",
        (
            record.id,
            json.dumps(record.body, ensure_ascii=False),
            int(record.is_public),
            record.stage,
            record.parent_id,
            int(record.copy_ready),
            record.publication_group,
            record.row_identifier,
            record.created_at,
            record.rows_updated_at,
            record.view_last_modified,
            record.view_count,
            record.download_count,
        ),
    )


def _new_view_id(conn: sqlite3.Connection) -> str:
    """A 4x4 id no view has yet."""
    view_id = ids.view_id()
    while get(conn, view_id) is not None:
        view_id = ids.view_id()
    return view_id


def bad_request(message: str, **data: Any) -> HttpError:
    return HttpError(400, "invalid_request", message, data)


# --- columns ----------------------------------------------------------------------------------


def _type_of(column: dict[str, Any]) -> str:
    return str(column.get("dataTypeName", v.TEXT)).lower()


def mangle(name: str) -> str:
    """Socrata's fieldName from a display name: lowercase ASCII, anything else becomes '_'."""
    mangled = re.sub(r"[^a-z0-9_]", "_", name.strip().lower())
    return mangled if not mangled[:1].isdigit() else "_" + mangled


def _complete_columns(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
        raise bad_request(COLUMNS_NOT_A_LIST)
    columns, seen = [], set()
    for position, given in enumerate(raw, start=1):
        column = dict(given)
        field_name = column.get("fieldName") or mangle(str(column.get("name", "")))
        if not isinstance(field_name, str) or not _FIELD_NAME.match(field_name):
            raise bad_request(BAD_FIELD_NAME.format(name=field_name), fieldName=field_name)
        if field_name in seen:
            raise bad_request(DUPLICATE_FIELD.format(name=field_name), fieldName=field_name)
        seen.add(field_name)
        type_name = _type_of(column)
        if type_name not in v.SUPPORTED_TYPES:
            supported = ", ".join(v.SUPPORTED_TYPES)
            message = BAD_TYPE.format(type=type_name, name=field_name, supported=supported)
            raise bad_request(message, fieldName=field_name)
        column.update(
            id=ids.numeric_id(),
            fieldName=field_name,
            name=column.get("name") or field_name,
            dataTypeName=type_name,
            description=column.get("description") or "",
            position=position,
        )
        column.setdefault("renderTypeName", type_name)
        columns.append(column)
    return columns


def _resolve_row_identifier(metadata: Any, columns: list[dict[str, Any]]) -> str | None:
    """The fieldName metadata.rowIdentifier names (by fieldName or column id); the stored
    metadata is rewritten to the column's numeric id, which is what Socrata returns."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise bad_request(METADATA_NOT_OBJECT)
    value = metadata.get("rowIdentifier")
    if value in (None, "", ":id"):
        return None
    for column in columns:
        if value in (column["fieldName"], column["id"], str(column["id"])):
            if column["dataTypeName"] not in v.KEY_TYPES:
                message = BAD_KEY_TYPE.format(name=column["fieldName"], type=column["dataTypeName"])
                raise bad_request(message)
            metadata["rowIdentifier"] = column["id"]
            return column["fieldName"]
    raise bad_request(BAD_ROW_IDENTIFIER.format(value=value), rowIdentifier=value)


def _check_license(body: dict[str, Any]) -> None:
    code = body.get("licenseId")
    if code not in (None, "") and licenses.title(str(code)) is None:
        known = ", ".join(licenses.TITLES)
        raise bad_request(BAD_LICENSE.format(value=code, known=known), licenseId=code)


# --- lifecycle --------------------------------------------------------------------------------


def create(conn: sqlite3.Connection, body: Any, now: float) -> ViewRecord:
    if not isinstance(body, dict):
        raise bad_request(NOT_AN_OBJECT)
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise bad_request(NAME_REQUIRED)
    _check_license(body)
    stored = {key: value for key, value in body.items() if key not in SERVER_KEYS}
    stored["columns"] = _complete_columns(body.get("columns"))
    stored.setdefault("description", "")
    row_identifier = _resolve_row_identifier(stored.get("metadata"), stored["columns"])
    record = ViewRecord(
        id=_new_view_id(conn),
        body=stored,
        is_public=False,
        stage=UNPUBLISHED,
        parent_id=None,
        copy_ready=True,
        publication_group=ids.numeric_id(),
        row_identifier=row_identifier,
        created_at=now,
        rows_updated_at=now,
        view_last_modified=now,
        view_count=0,
        download_count=0,
    )
    _save(conn, record)
    return record


def update(conn: sqlite3.Connection, record: ViewRecord, body: Any, now: float) -> ViewRecord:
    """Replace each top-level key sent, whole; columns only change name/description/etc."""
    if not isinstance(body, dict):
        raise bad_request(NOT_AN_OBJECT)
    if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
        raise bad_request(NAME_REQUIRED)
    _check_license(body)
    for key, value in body.items():
        if key in SERVER_KEYS:
            continue
        if key == "columns":
            _update_columns(record.body["columns"], value)
        else:
            record.body[key] = value
    if "metadata" in body:
        row_identifier = _resolve_row_identifier(record.body["metadata"], record.body["columns"])
        if row_identifier != record.row_identifier:
            record.row_identifier = row_identifier
            try:
                rows.rekey(conn, record.id, row_identifier, record.columns)
            except sqlite3.IntegrityError:
                raise bad_request(DUPLICATE_KEYS.format(name=row_identifier)) from None
    record.view_last_modified = now
    _save(conn, record)
    return record


_FIXED_COLUMN_KEYS = ("id", "fieldName", "dataTypeName", "position", "renderTypeName")


def _update_columns(current: list[dict[str, Any]], sent: Any) -> None:
    if not isinstance(sent, list):
        raise bad_request(COLUMNS_NOT_A_LIST)
    by_field = {column["fieldName"]: column for column in current}
    for column in sent:
        if not isinstance(column, dict) or column.get("fieldName") not in by_field:
            continue  # new columns are not added through this endpoint
        target = by_field[column["fieldName"]]
        for key, value in column.items():
            if key not in _FIXED_COLUMN_KEYS:
                target[key] = value


def set_public(conn: sqlite3.Connection, record: ViewRecord, public: bool, now: float) -> None:
    record.is_public = public
    record.view_last_modified = now
    _save(conn, record)


def publish(conn: sqlite3.Connection, record: ViewRecord, now: float) -> ViewRecord:
    """Publish a view; a working copy replaces its original's metadata and rows in place."""
    original = get(conn, record.parent_id) if record.parent_id else None
    if original is None:
        record.stage, record.parent_id, record.copy_ready = PUBLISHED, None, True
        record.view_last_modified = now
        _save(conn, record)
        return record
    original.body = record.body
    original.row_identifier = record.row_identifier
    original.stage = PUBLISHED
    original.rows_updated_at = record.rows_updated_at
    original.view_last_modified = now
    conn.execute("DELETE FROM rows WHERE view_id = ?", (original.id,))
    conn.execute("UPDATE rows SET view_id = ? WHERE view_id = ?", (original.id, record.id))
    conn.execute("DELETE FROM usage_events WHERE view_id = ?", (record.id,))
    conn.execute("DELETE FROM views WHERE id = ?", (record.id,))
    _save(conn, original)
    return original


def copy(conn: sqlite3.Connection, record: ViewRecord, now: float) -> ViewRecord | None:
    """The working copy of a published view, or None while it is "still being copied".

    The first request makes the copy and answers "in progress" (Socrata's 202); the next one
    returns it. Asking again while a copy exists returns that same copy.
    """
    if record.parent_id:
        raise bad_request(COPY_OF_COPY.format(id=record.id))
    if record.stage != PUBLISHED:
        raise bad_request(COPY_UNPUBLISHED.format(id=record.id))
    existing = working_copy_of(conn, record.id)
    if existing is not None:
        if not existing.copy_ready:
            existing.copy_ready = True
            _save(conn, existing)
        return existing
    body = json.loads(json.dumps(record.body))
    working = ViewRecord(
        id=_new_view_id(conn),
        body=body,
        is_public=False,
        stage=UNPUBLISHED,
        parent_id=record.id,
        copy_ready=False,
        publication_group=record.publication_group,
        row_identifier=record.row_identifier,
        created_at=now,
        rows_updated_at=record.rows_updated_at,
        view_last_modified=now,
        view_count=0,
        download_count=0,
    )
    _save(conn, working)
    conn.execute(
        "INSERT INTO rows (view_id, row_key, data, created_at, updated_at) "
        "SELECT ?, row_key, data, created_at, updated_at FROM rows WHERE view_id = ? ORDER BY sid",
        (working.id, record.id),
    )
    return None


def delete(conn: sqlite3.Connection, record: ViewRecord) -> None:
    """Delete a view with its rows, usage and working copies."""
    doomed = [record.id]
    doomed += [r[0] for r in conn.execute("SELECT id FROM views WHERE parent_id = ?", (record.id,))]
    for view_id in doomed:
        conn.execute("DELETE FROM rows WHERE view_id = ?", (view_id,))
        conn.execute("DELETE FROM usage_events WHERE view_id = ?", (view_id,))
        conn.execute("DELETE FROM views WHERE id = ?", (view_id,))


def touch_rows(conn: sqlite3.Connection, view_id: str, now: float) -> None:
    conn.execute("UPDATE views SET rows_updated_at = ? WHERE id = ?", (now, view_id))


# --- usage ------------------------------------------------------------------------------------


def record_usage(conn: sqlite3.Connection, record: ViewRecord, kind: str, now: float) -> None:
    """One page view or one download: a timestamped event plus the cumulative counter (in the
    table and in `record`, so the caller shows the count it just made)."""
    counter = "view_count" if kind == VIEW else "download_count"
    conn.execute(
        "INSERT INTO usage_events (view_id, kind, at) VALUES (?, ?, ?)", (record.id, kind, now)
    )
    conn.execute(f"UPDATE views SET {counter} = {counter} + 1 WHERE id = ?", (record.id,))
    setattr(record, counter, getattr(record, counter) + 1)


def recent_usage(conn: sqlite3.Connection, view_id: str, kind: str, now: float) -> tuple[int, int]:
    """Events of `kind` in the last 7 and the last 30 days before `now`."""
    week, month = conn.execute(
        "SELECT coalesce(sum(at > ?), 0), coalesce(sum(at > ?), 0) FROM usage_events "
        "WHERE view_id = ? AND kind = ? AND at <= ?",
        (now - WEEK, now - MONTH, view_id, kind, now),
    ).fetchone()
    return int(week), int(month)


# --- JSON -------------------------------------------------------------------------------------


def render(record: ViewRecord) -> dict[str, Any]:
    """The view as `GET /api/views/{id}.json` returns it."""
    view: dict[str, Any] = {"id": record.id}
    view.update(record.body)
    view.update(
        publicationStage=record.stage,
        publicationGroup=record.publication_group,
        createdAt=int(record.created_at),
        rowsUpdatedAt=int(record.rows_updated_at),
        viewLastModified=int(record.view_last_modified),
        viewCount=record.view_count,
        downloadCount=record.download_count,
    )
    view.setdefault("displayType", "table")
    view.setdefault("viewType", "tabular")
    view.setdefault("assetType", "dataset")
    if record.row_identifier:
        column = next(c for c in record.body["columns"] if c["fieldName"] == record.row_identifier)
        view["rowIdentifierColumnId"] = column["id"]
    if license_title := licenses.title(str(record.body.get("licenseId") or "")):
        view["license"] = {"name": license_title}
    if record.parent_id:
        view["publishedViewUid"] = record.parent_id
    if record.is_public:
        view["grants"] = [{"inherited": False, "type": "viewer", "flags": ["public"]}]
    return view
