"""Real Socrata's answers, reproduced from recorded responses, on a loopback server.

No Socrata can run here, so the adapter is checked against answers shaped exactly like the ones
real Socrata gave when someone recorded them. Each shape below says where it was recorded; none
is copied from those files, and nothing here comes from the project's own local portal except
the documented SODA value formats (`localportal.values`). The server is deliberately narrow: it
answers the requests the adapter makes and refuses anything else with a 400, so a change in what
the adapter asks fails these tests instead of passing unnoticed.

Recorded sources:
- [create] sodapy's recorded `POST /api/views.json` (xmunoz/sodapy tests/test_data/
  create_foobar.txt): sent `row_identifier="bar"`, got `"metadata": {"rowIdentifier":
  230641051}` — the column's numeric id — plus `rowIdentifierColumnId`, columns with `id`,
  `position`, `renderTypeName`, `tableColumnId`, `format: {}`, and server keys (`oid`,
  `tableId`, `publicationGroup`, `owner`, `query`, `rights`, `tableAuthor`, `flags`, …).
- [view] sodapy's recorded published view (get_song_metadata.txt): `"licenseId": "CC0_10"`,
  `displayType`, `state`, `publicationDate`, and `metadata` with `rdfSubject`,
  `renderTypeConfig`, `availableDisplayTypes`, `attachments` that Socrata adds by itself.
- [upsert] sodapy's upsert_songs.txt: `{"Errors": 0, "Rows Deleted": 0, "Rows Updated": 0,
  "By SID": 0, "Rows Created": 1, "By RowIdentifier": 0}`.
- [soda] a data.sfgov.org SODA 2.1 answer recorded 2023-06-01 (Francisco-Castro/chuckwagon
  test/support/sf_api_data.ex): `Content-Type: application/json;charset=utf-8`, values as text,
  nulls left out, `X-SODA2-Fields` / `X-SODA2-Types` as compact JSON arrays (`"floating_timestamp"`
  for dates), `X-Socrata-RequestId`.
- [403] sodapy's 403_response_json.txt: `{"message": "You must be logged in to access this
  resource", "error": true}` — no `code`.
- [404] SODA 2.1 for a missing dataset, as reported in socrata/discuss#47 and #96:
  `{"message": "Dataset '_abcd-1234' was not found", "errorCode": "soda.dataset.not-found",
  "data": {"dataset": "_abcd-1234"}}` — `errorCode`, not `code`, and no `error` flag.
- [202] and [429]: dev.socrata.com "Response Codes & Headers" (202 "Request Processing: retry,
  and when it's complete you'll get a 200"; 429 "Too Many Requests"), bodies in the documented
  error format; Socrata's older error list names 202's code `accepted`.
- [discovery] sodapy's get_datasets.txt: `results[].resource.{id,name,page_views,
  download_count}`, `metadata.license` as a title.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from datos_cali.localportal import values as soda_values

SODA_JSON = "application/json;charset=utf-8"  # [soda], no space before charset
LOGGED_OUT = {"message": "You must be logged in to access this resource", "error": True}  # [403]
RIGHTS = [
    "read",
    "write",
    "add",
    "delete",
    "grant",
    "add_column",
    "remove_column",
    "update_column",
    "update_view",
    "delete_view",
]  # fmt: skip  [create]
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def missing_dataset(view_id: str) -> dict:
    """[404] SODA 2.1's answer for a dataset that does not exist."""
    return {
        "message": f"Dataset '_{view_id}' was not found",
        "errorCode": "soda.dataset.not-found",
        "data": {"dataset": f"_{view_id}"},
    }


STILL_PROCESSING = {"code": "accepted", "message": "Request is processing; retry later"}  # [202]
THROTTLED = {"code": "too_many_requests", "error": True, "message": "Too many requests"}  # [429]


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class Scripted:
    """The next `times` requests matching method and path prefix get this answer instead."""

    method: str
    prefix: str
    status: int
    body: Any
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)


class RecordedSocrata:
    def __init__(self) -> None:
        self.views: dict[str, dict] = {}
        self.rows: dict[str, dict[Any, dict]] = {}
        self.seen: list[Seen] = []
        self.script: list[Scripted] = []
        self.app_token = secrets.token_hex(8)
        self.key_id, self.key_secret = secrets.token_hex(8), secrets.token_hex(16)
        self._ids = itertools.count(230641050)  # column ids in the recorded range
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RecordedSocrata:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def writes(self) -> list[Seen]:
        return [s for s in self.seen if s.method in WRITES]

    # --- views ------------------------------------------------------------------------------
    def create(self, body: dict) -> dict:
        """[create] The view as Socrata returns it, rowIdentifier turned into a column id."""
        view_id = f"{secrets.token_hex(2)}-{secrets.token_hex(2)}"
        columns = []
        for position, sent in enumerate(body.get("columns") or [], 1):
            column = {
                "id": next(self._ids),
                "name": sent["name"],
                "dataTypeName": sent["dataTypeName"],
                "fieldName": sent["fieldName"],
                "position": position,
                "renderTypeName": sent["dataTypeName"],
                "tableColumnId": 32762225 + position,
                "format": {},
            }
            if sent.get("description"):
                column["description"] = sent["description"]
            columns.append(column)
        view = {
            "id": view_id,
            "name": body["name"],
            "averageRating": 0,
            "createdAt": 1448018696,
            "description": body.get("description", ""),
            "displayType": "table",
            "downloadCount": 0,
            "newBackend": False,
            "numberOfComments": 0,
            "oid": 14929734,
            "publicationAppendEnabled": False,
            "publicationGroup": 5638965,
            "publicationStage": "unpublished",
            "rowsUpdatedAt": 1448018697,
            "rowsUpdatedBy": "gxfh-uqsf",
            "tableId": 5638965,
            "totalTimesRated": 0,
            "viewCount": 0,
            "viewLastModified": 1448018697,
            "viewType": "tabular",
            "state": "normal",
            "columns": columns,
            "metadata": {},
            "owner": {"id": "cdqe-xcn5", "displayName": "Transparencia"},
            "query": {},
            "rights": RIGHTS,
            "tableAuthor": {},
            "flags": ["default"],
        }
        for key in ("category", "tags", "attribution", "licenseId"):
            if key in body:
                view[key] = body[key]
        self._apply_metadata(view, body.get("metadata") or {})
        self.views[view_id] = view
        self.rows[view_id] = {}
        return view

    def _apply_metadata(self, view: dict, metadata: dict) -> None:
        """[view] Socrata keeps its own metadata keys and stores rowIdentifier as a column id."""
        stored = {
            "rdfSubject": "0",
            "renderTypeConfig": {"visible": {"table": True}},
            "availableDisplayTypes": ["table", "fatrow", "page"],
            "attachments": [],
            **metadata,
        }
        rid = metadata.get("rowIdentifier")
        column = next(
            (c for c in view["columns"] if rid in (c["fieldName"], c["id"], str(c["id"]))), None
        )
        if column is not None:
            stored["rowIdentifier"] = column["id"]
            view["rowIdentifierColumnId"] = column["id"]
        view["metadata"] = stored

    def put_view(self, view: dict, body: dict) -> dict:
        for key, value in body.items():
            if key == "metadata":
                self._apply_metadata(view, value)
            elif key == "columns":
                by_field = {c["fieldName"]: c for c in view["columns"]}
                for column in value:
                    target = by_field.get(column.get("fieldName"))
                    if target is not None:
                        target.update(
                            {k: column[k] for k in ("name", "description") if k in column}
                        )
            elif key not in ("id", "owner", "rights", "tableId", "oid"):
                view[key] = value
        return view

    def row_identifier(self, view: dict) -> str | None:
        rid = view["metadata"].get("rowIdentifier")
        return next((c["fieldName"] for c in view["columns"] if c["id"] == rid), None)

    # --- rows -------------------------------------------------------------------------------
    def apply_rows(self, view: dict, body: list[dict], replace: bool) -> dict:
        """[upsert] Rows stored as SODA returns them; the answer key for key as recorded."""
        if replace:
            self.rows[view["id"]] = {}
        table = self.rows[view["id"]]  # row identifier value (or a counter) → row, in :id order
        key = self.row_identifier(view)
        types = {c["fieldName"]: c["dataTypeName"] for c in view["columns"]}
        created = updated = deleted = 0
        for row in body:
            stored = {}
            for name, value in row.items():
                if name != ":deleted":
                    normalized = soda_values.normalize(types[name], value)
                    if normalized is not None:
                        stored[name] = normalized
            identity = stored.get(key) if key else next(self._ids)
            if row.get(":deleted"):
                deleted += table.pop(identity, None) is not None
            elif identity in table:
                table[identity] = stored
                updated += 1
            else:
                table[identity] = stored
                created += 1
        return {
            "Errors": 0,
            "Rows Deleted": deleted,
            "Rows Updated": updated,
            "By SID": 0,
            "Rows Created": created,
            "By RowIdentifier": updated + deleted if key else 0,
        }

    def query(self, view: dict, args: dict[str, str]) -> tuple[list[dict], list[tuple[str, str]]]:
        """The three reads the adapter makes: count(*), rows by key, pages in :id order."""
        table = list(self.rows[view["id"]].values())
        types = {c["fieldName"]: c["dataTypeName"] for c in view["columns"]}
        select = args.get("$select")
        if select and (found := re.fullmatch(r"count\(\*\) AS (\w+)", select)):
            return [{found.group(1): str(len(table))}], [(found.group(1), "number")]
        selected = table
        if where := args.get("$where"):
            found = re.fullmatch(r"(\w+) in \((.*)\)", where)
            if not found:
                raise ValueError(f"unexpected $where {where!r}")
            field_name, listed = found.groups()
            if types[field_name] in soda_values.NUMERIC_TYPES:
                wanted = {soda_values.number_text(item.strip()) for item in listed.split(",")}
            else:
                wanted = {m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", listed)}
            selected = [r for r in table if r.get(field_name) in wanted]
        elif args.get("$order") != ":id":
            raise ValueError(f"unexpected query {args!r}")
        offset = int(args.get("$offset", 0))
        selected = selected[offset : offset + int(args.get("$limit", 1000))]
        names = [c["fieldName"] for c in view["columns"]]
        if select:
            if select not in names:
                raise ValueError(f"unexpected $select {select!r}")
            names = [select]
            selected = [{select: r[select]} for r in selected if select in r]
        typed = [(n, soda_values.SODA_TYPES[types[n]]) for n in names]
        return selected, typed


def _handler_for(portal: RecordedSocrata):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            return

        def _answer(self, status: int, body: Any = None, headers: dict | None = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("X-Socrata-RequestId", secrets.token_hex(13))
            if body is not None:
                self.send_header("Content-Type", SODA_JSON)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authenticated(self) -> bool:
            expected = base64.b64encode(f"{portal.key_id}:{portal.key_secret}".encode())
            return self.headers.get("Authorization", "") == f"Basic {expected.decode()}"

        def _handle(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            query = dict(parse_qsl(split.query))
            with portal._lock:
                portal.seen.append(Seen(self.command, split.path, query, body))
                for scripted in portal.script:
                    if (
                        scripted.times
                        and scripted.method == self.command
                        and split.path.startswith(scripted.prefix)
                    ):
                        scripted.times -= 1
                        self._answer(scripted.status, scripted.body, scripted.headers)
                        return
                try:
                    self._route(self.command, split.path, query, body)
                except (KeyError, ValueError, TypeError) as exc:
                    self._answer(
                        400, {"code": "invalid_request", "error": True, "message": str(exc)}
                    )

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def _route(self, method: str, path: str, query: dict, body: Any) -> None:
            if method in WRITES and not self._authenticated():
                self._answer(403, LOGGED_OUT)
                return
            if (method, path) == ("POST", "/api/views.json"):
                self._answer(200, portal.create(body))
                return
            if path == "/api/catalog/v1":
                self._answer(200, self._catalog(query))
                return
            found = re.fullmatch(r"/(api/views|resource)/([\w-]+)(/publication)?\.json", path)
            if not found or found.group(2) not in portal.views:
                view_id = found.group(2) if found else path
                self._answer(404, missing_dataset(view_id))
                return
            kind, view_id, publication = found.groups()
            view = portal.views[view_id]
            if kind == "resource" and method == "GET":
                rows, typed = portal.query(view, query)
                headers = {
                    "X-SODA2-Fields": json.dumps([n for n, _ in typed], separators=(",", ":")),
                    "X-SODA2-Types": json.dumps([t for _, t in typed], separators=(",", ":")),
                }
                self._answer(200, rows, headers)
            elif kind == "resource" and method in ("POST", "PUT"):
                self._answer(200, portal.apply_rows(view, body, replace=method == "PUT"))
            elif publication and method == "POST" and "method" not in query:
                view["publicationStage"] = "published"
                view["publicationDate"] = 1448018700
                self._answer(200, view)
            elif method == "GET":
                self._answer(200, view)
            elif method == "PUT" and query.get("method") == "setPermission":
                view["grants"] = [{"inherited": False, "type": "viewer", "flags": ["public"]}]
                self._answer(200)
            elif method == "PUT" and not query:
                self._answer(200, portal.put_view(view, body))
            else:
                raise ValueError(f"the recorded shapes do not cover {method} {path} {query}")

        def _catalog(self, query: dict) -> dict:
            results = [
                {
                    "resource": {
                        "name": view["name"],
                        "id": view["id"],
                        "createdAt": "2015-11-20T11:24:56.000Z",
                        "page_views": {"page_views_total": view["viewCount"]},
                        "download_count": view["downloadCount"],
                    },
                    "metadata": {"domain": portal.domain},
                }
                for view in portal.views.values()
                if not query.get("ids") or view["id"] in query["ids"].split(",")
            ]
            return {"results": results, "resultSetSize": len(results)}

    return Handler
