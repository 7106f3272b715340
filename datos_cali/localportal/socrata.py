"""Socrata's HTTP API on the local portal: views API, SODA 2 resources, exports, Discovery API.

Handlers are thin: check credentials, parse, call `views`/`rows` inside one transaction, shape
the answer as Socrata does. What they return (see DESIGN.md, "Socrata facts"):

- `GET /api/users/current.json` answers the key's account (401 without, 403 wrong); an
  authenticated view read lists the account's `rights` on it (anonymous: `["read"]`);
- reads of public views need nothing; private views (every new view until
  `setPermission=public.read`, and every working copy) need Basic auth, else 403;
- every POST/PUT/DELETE needs Basic auth with the API key id/secret: 401 without, 403 wrong —
  checked by the server from the headers before the body is read (`Route.authorize`);
- views return `metadata.rowIdentifier` as the column's numeric id and accept only Socrata
  license codes in `licenseId` (`views`);
- SODA reads carry `X-SODA2-Fields`/`X-SODA2-Types`, answer `.json`, `.csv` and `.geojson`
  (the point column as geometry), and support `$group` with count/sum/avg/min/max and `$query`
  (`soql`, `aggregates`);
- CSV exports neutralise spreadsheet formulas (`datos_cali.csvsafe`); `rows.csv` writes dates
  `MM/DD/YYYY hh:mm:ss AM` as Socrata's export does;
- `POST /api/views/{id}/publication.json?method=copy` answers 202 `{"message": …}` while
  "copying" (the first request) and 200 with the working copy on the next;
- SODA reads and metadata reads never count usage; the `/d/{id}` page counts a view and each
  export (`/api/views/{id}/rows.csv|json`) counts a download.

Value formats (numbers as strings, GeoJSON points, url objects, nulls omitted) are described in
`datos_cali.localportal.values`; the SoQL subset in `datos_cali.localportal.soql`.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from datos_cali import csvsafe
from datos_cali.localportal import aggregates, auth, ids, rows, soql, soqlquery, views
from datos_cali.localportal import values as v
from datos_cali.localportal.routing import (
    CSV_TYPE,
    JSON_TYPE,
    HttpError,
    Request,
    Response,
    Route,
    csv_stream,
    json_response,
)

if TYPE_CHECKING:
    from datos_cali.localportal.portal import LocalPortal

VIEW_NOT_FOUND = "Cannot find view with id {id}"
ROW_NOT_FOUND = "Cannot find row {row} in view {id}"
EMPTY_BODY = "The request body is empty"
BAD_CSV = "The CSV body could not be read: {reason}"
NOT_A_LIST = "The body must be a JSON array of row objects"
BAD_PERMISSION = "Unknown permission {value!r}; use public.read, public or private"
BAD_METHOD = "Unknown method {value!r}"
COPY_IN_PROGRESS = "Copy in progress; repeat the request to get the working copy"
DUPLICATE_KEY = "Two rows would share the row identifier value: {reason}"

# What an authenticated view read and `/api/users/current.json` carry: the one account of this
# portal owns every view. Anonymous readers get ["read"].
OWNER_RIGHTS = [
    "read", "write", "add", "delete", "grant",
    "add_column", "remove_column", "update_column", "update_view", "delete_view",
]  # fmt: skip
CURRENT_USER = {
    "id": "dcal-0001",
    "screenName": "datos-cali",
    "displayName": "datos-cali (portal local)",
    "roleName": "administrator",
    "rights": ["create_datasets", "edit_others_datasets", "manage_users"],
    "flags": ["admin"],
}
_EXPORT_BATCH = 1000
SODA_HEADER_LIMIT = 4000
GEOJSON_TYPE = "application/vnd.geo+json; charset=utf-8"
_SYSTEM_EXPORT_COLUMNS = (
    ":sid",
    ":id",
    ":position",
    ":created_at",
    ":created_meta",
    ":updated_at",
    ":updated_meta",
    ":meta",
)


def not_found(view_id: str) -> HttpError:
    return HttpError(404, "not_found", VIEW_NOT_FOUND.format(id=view_id), {"id": view_id})


class SocrataApi:
    def __init__(self, portal: LocalPortal) -> None:
        self.portal = portal

    def routes(self) -> list[Route]:
        api = partial(Route, faultable=True)
        write = partial(Route, faultable=True, authorize=self._login)  # checked before the body
        rid = "{rowid:[^/]+}"
        return [
            write("POST", "/api/views.json", self.create_view),
            api("GET", "/api/users/current.json", self.current_user),
            api("GET", "/api/views/{id}.json", self.get_view),
            write("PUT", "/api/views/{id}.json", self.put_view),
            write("DELETE", "/api/views/{id}.json", self.delete_view),
            write("POST", "/api/views/{id}/publication.json", self.publication),
            api("GET", "/api/views/{id}/rows.{fmt:csv|json}", self.export),
            api("GET", f"/resource/{{id}}/{rid}.json", self.get_row),
            write("DELETE", f"/resource/{{id}}/{rid}.{{fmt:json|csv}}", self.delete_row),
            api("GET", "/resource/{id}.{fmt:json|csv|geojson}", self.query),
            write("POST", "/resource/{id}.{fmt:json|csv}", self.upsert),
            write("PUT", "/resource/{id}.{fmt:json|csv}", self.replace),
        ]

    # --- shared checks --------------------------------------------------------------------
    @property
    def store(self):
        return self.portal.store

    def _load(self, conn, request: Request) -> views.ViewRecord:
        view_id = request.params["id"]
        request.note.dataset_id = view_id
        record = views.get(conn, view_id)
        if record is None:
            raise not_found(view_id)
        return record

    def _readable(self, conn, request: Request) -> views.ViewRecord:
        logged_in = auth.authenticated(request, self.portal.credentials)
        record = self._load(conn, request)
        if not record.is_public and not logged_in:
            raise auth.forbidden(record.id)
        return record

    @staticmethod
    def _view(record: views.ViewRecord, request: Request) -> dict[str, Any]:
        """A view as its JSON answers carry it, with what the caller may do on it."""
        rights = OWNER_RIGHTS if request.note.authenticated else ["read"]
        return {**views.render(record), "rights": rights}

    def _login(self, request: Request) -> None:
        auth.require_login(request, self.portal.credentials)

    # --- views API ------------------------------------------------------------------------
    def create_view(self, request: Request) -> Response:
        self._login(request)
        body = request.json()
        with self.store.write() as conn:
            record = views.create(conn, body, self.portal.epoch())
        request.note.dataset_id = record.id
        return json_response(self._view(record, request))

    def current_user(self, request: Request) -> Response:
        """The account behind the key (what clients call to test a login): 401/403 otherwise."""
        self._login(request)
        return json_response(CURRENT_USER)

    def get_view(self, request: Request) -> Response:
        with self.store.read() as conn:
            record = self._readable(conn, request)
        return json_response(self._view(record, request))

    def put_view(self, request: Request) -> Response:
        self._login(request)
        method = request.arg("method")
        if method == "setPermission":
            value = request.arg("value", "")
            if value not in ("public.read", "public", "private"):
                raise views.bad_request(BAD_PERMISSION.format(value=value))
            with self.store.write() as conn:
                record = self._load(conn, request)
                views.set_public(conn, record, value != "private", self.portal.epoch())
            return Response(200)
        if method is not None:
            raise views.bad_request(BAD_METHOD.format(value=method))
        body = request.json()
        with self.store.write() as conn:
            record = views.update(conn, self._load(conn, request), body, self.portal.epoch())
        return json_response(self._view(record, request))

    def delete_view(self, request: Request) -> Response:
        self._login(request)
        with self.store.write() as conn:
            views.delete(conn, self._load(conn, request))
        return Response(200)

    def publication(self, request: Request) -> Response:
        self._login(request)
        method = request.arg("method")
        if method not in (None, "copy"):
            raise views.bad_request(BAD_METHOD.format(value=method))
        now = self.portal.epoch()
        with self.store.write() as conn:
            record = self._load(conn, request)
            if method == "copy":
                result = views.copy(conn, record, now)
                if result is None:
                    return json_response({"message": COPY_IN_PROGRESS}, status=202)
            else:
                result = views.publish(conn, record, now)
        return json_response(self._view(result, request))

    # --- SODA 2 reads ---------------------------------------------------------------------
    def query(self, request: Request) -> Response:
        with self.store.read() as conn:
            record = self._readable(conn, request)
            columns = record.columns
            query = soql.compile_query(soqlquery.expand(request.query_pairs), columns)
            if query.aggregated:
                found = aggregates.select(conn, record.id, query, columns)
                items = query.select or []
                typed = [(i.alias, aggregates.result_type(i, columns)) for i in items]
                return _table(request, typed, found)
            stored = rows.select(conn, record.id, query)
        pairs = [(s.source, s.alias) for s in query.select] if query.select else None
        if pairs is None:
            pairs = [(name, name) for name in columns]
            if query.include_system:
                pairs = [(name, name) for name in soql.SYSTEM_FIELDS] + pairs
        typed = [(alias, columns[src].type_name if src in columns else src) for src, alias in pairs]
        plain = query.select is None and not query.include_system
        if request.params["fmt"] == "json" and plain:  # stored rows are already SODA JSON
            body = ("[" + ",".join(data for _sid, data, _c, _u in stored) + "]").encode()
            return Response(200, body, JSON_TYPE, soda_headers(typed))
        selected = None if plain else pairs
        rendered = [rows.render(row, selected, query.include_system) for row in stored]
        return _table(request, typed, rendered)

    def get_row(self, request: Request) -> Response:
        with self.store.read() as conn:
            record = self._readable(conn, request)
            found = rows.find_one(
                conn, record.id, record.row_identifier, record.columns, request.params["rowid"]
            )
        if found is None:
            message = ROW_NOT_FOUND.format(row=request.params["rowid"], id=record.id)
            raise HttpError(404, "not_found", message)
        return json_response(rows.render(found, None, False))

    # --- SODA 2 writes --------------------------------------------------------------------
    def upsert(self, request: Request) -> Response:
        return self._write(request, replace=False)

    def replace(self, request: Request) -> Response:
        return self._write(request, replace=True)

    def _write(self, request: Request, replace: bool) -> Response:
        self._login(request)
        request.note.dataset_id = request.params["id"]
        body = _rows_body(request)
        request.note.rows = len(body)
        now = self.portal.epoch()
        try:
            with self.store.write() as conn:
                record = self._load(conn, request)
                result = rows.apply(
                    conn,
                    record.id,
                    record.columns,
                    record.row_identifier,
                    body,
                    now,
                    replace=replace,
                )
                if result.changed or replace:
                    views.touch_rows(conn, record.id, now)
        except sqlite3.IntegrityError as exc:
            raise views.bad_request(DUPLICATE_KEY.format(reason=exc)) from None
        request.note.row_ids = result.row_ids
        return json_response(result.answer())

    def delete_row(self, request: Request) -> Response:
        self._login(request)
        row_text = request.params["rowid"]
        request.note.row_ids = [row_text]
        request.note.rows = 1
        now = self.portal.epoch()
        with self.store.write() as conn:
            record = self._load(conn, request)
            if rows.delete_one(conn, record.id, record.row_identifier, record.columns, row_text):
                views.touch_rows(conn, record.id, now)
        return Response(200)

    # --- exports (count downloads) --------------------------------------------------------
    def export(self, request: Request) -> Response:
        with self.store.write() as conn:
            record = self._readable(conn, request)
            views.record_usage(conn, record, views.DOWNLOAD, self.portal.epoch())
        if request.params["fmt"] == "csv":
            return Response(200, self._export_csv(record), CSV_TYPE)
        return Response(200, self._export_json(record), JSON_TYPE)

    def _export_csv(self, record: views.ViewRecord) -> Iterator[bytes]:
        columns = list(record.columns.values())

        def cells() -> Iterator[list[str]]:
            for _sid, data, _c, _u in rows.iterate(self.store, record.id):
                values = json.loads(data)
                yield [v.export_cell(c.type_name, values.get(c.field_name)) for c in columns]

        header = [c.name or c.field_name for c in columns]
        return csv_stream(header, cells(), _EXPORT_BATCH)

    def _export_json(self, record: views.ViewRecord) -> Iterator[bytes]:
        """Socrata's `rows.json`: `{"meta": {"view": …}, "data": [[system…, values…], …]}`."""
        view = views.render(record)
        system = [
            {"id": -1, "name": name.lstrip(":"), "fieldName": name, "dataTypeName": "meta_data"}
            for name in _SYSTEM_EXPORT_COLUMNS
        ]
        view["columns"] = system + view["columns"]
        head = json.dumps({"meta": {"view": view}}, ensure_ascii=False)
        yield (head[:-1] + ', "data": [').encode()
        fields = list(record.columns)
        lines: list[str] = []
        separator = ""
        for position, (sid, data, created, updated) in enumerate(
            rows.iterate(self.store, record.id), 1
        ):
            values = json.loads(data)
            line = [sid, ids.row_id(sid), position, int(created), None, int(updated), None]
            line += ["{ }", *(values.get(name) for name in fields)]
            lines.append(json.dumps(line, ensure_ascii=False))
            if len(lines) == _EXPORT_BATCH:
                yield (separator + ",".join(lines)).encode()
                lines, separator = [], ","
        if lines:
            yield (separator + ",".join(lines)).encode()
        yield b"]}"


# --- helpers ----------------------------------------------------------------------------------


def soda_headers(typed: list[tuple[str, str]]) -> dict[str, str]:
    """`X-SODA2-Fields`/`X-SODA2-Types`: the result's field names and SODA types, as JSON
    arrays in the same order (what RSocrata and other clients type columns from). Socrata
    leaves them out when they would not fit in a 4 KB header (dev.socrata.com, "Response Codes
    & Headers"); so does the local portal."""
    fields = json.dumps([alias for alias, _kind in typed], separators=(",", ":"))
    types = json.dumps(
        [v.SODA_TYPES.get(kind, v.TEXT) for _a, kind in typed], separators=(",", ":")
    )
    if max(len(fields), len(types)) > SODA_HEADER_LIMIT:
        return {}
    return {"X-SODA2-Fields": fields, "X-SODA2-Types": types}


def _table(request: Request, typed: list[tuple[str, str]], records: list[dict]) -> Response:
    """Result rows as SODA JSON, GeoJSON, or CSV with a header of field names (every value
    quoted, formulas neutralised), with the X-SODA2 headers."""
    headers = soda_headers(typed)
    fmt = request.params.get("fmt")
    if fmt == "geojson":
        body = json.dumps(_feature_collection(typed, records), ensure_ascii=False).encode()
        return Response(200, body, GEOJSON_TYPE, headers)
    if fmt != "csv":
        return json_response(records, headers=headers)
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow([alias for alias, _type in typed])
    for record in records:
        writer.writerow([v.csv_cell(kind, record.get(alias)) for alias, kind in typed])
    return Response(200, buffer.getvalue().encode("utf-8"), CSV_TYPE, headers)


def _feature_collection(typed: list[tuple[str, str]], records: list[dict]) -> dict[str, Any]:
    """SODA's `.geojson`: the (first) point column is each feature's geometry and the other
    fields its properties, nulls included (dev.socrata.com docs/formats/geojson.md). A result
    without a point column gives features without geometry."""
    point = next((alias for alias, kind in typed if kind == v.POINT), None)
    features = [
        {
            "type": "Feature",
            "geometry": record.get(point) if point else None,
            "properties": {alias: record.get(alias) for alias, _k in typed if alias != point},
        }
        for record in records
    ]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    return {"type": "FeatureCollection", "features": features, "crs": crs}


def _rows_body(request: Request) -> list[dict[str, Any]]:
    if not request.body.strip():
        raise views.bad_request(EMPTY_BODY)
    if request.content_type == "text/csv":
        try:
            text = request.body.decode("utf-8-sig")
            return [dict(row) for row in csv.DictReader(io.StringIO(text))]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise views.bad_request(BAD_CSV.format(reason=exc)) from None
    try:
        body = json.loads(request.body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise views.bad_request(f"The request body is not valid JSON: {exc}") from None
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        raise views.bad_request(NOT_A_LIST)
    return body
