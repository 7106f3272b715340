"""Requests, responses and the router: the HTTP vocabulary shared by every API the portal speaks.

An API module (Socrata, the HTML pages, the admin endpoints, later CKAN) builds a list of `Route`s:
a method, a path template and a handler `(Request) -> Response`. The server matches the route,
injects faults where the route allows them, logs the request and writes the answer; handlers
never touch sockets. A handler signals an error by raising `HttpError`; the route's `errors`
function turns it into that API's error body (Socrata's `{"code", "error", "message", "data"}`
by default; CKAN's envelope for CKAN routes).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote

from datos_cali import csvsafe

JSON_TYPE = "application/json; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

BAD_JSON = "The request body is not valid JSON: {reason}"
NO_ROUTE = "No route matches {method} {path}"
METHOD_NOT_ALLOWED = "{method} is not allowed on {path}"

Body = bytes | Iterable[bytes]


class HttpError(Exception):
    """An answer other than success; rendered by the route's error function.

    Error functions must keep `headers` (a throttled answer carries `Retry-After` there).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.data = data or {}
        self.headers = headers or {}


@dataclass
class Response:
    status: int = 200
    body: Body = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None):
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, body, JSON_TYPE, dict(headers or {}))


def csv_stream(header: list[str], rows: Iterable[list[str]], batch: int = 1000) -> Iterator[bytes]:
    """A CSV body sent `batch` rows at a time, so an export of a million rows streams.

    Cells a spreadsheet would run as formulas are neutralised (`datos_cali.csvsafe`): these
    exports are what people download and open in Excel."""
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)  # CRLF lines: a cell with a bare CR is quoted
    writer.writerow(header)
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % batch == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def socrata_error(error: HttpError) -> Response:
    """Socrata's error body: `{"code", "error": true, "message", "data"}`."""
    payload = {"code": error.code, "error": True, "message": error.message, "data": error.data}
    return json_response(payload, error.status, error.headers)


@dataclass
class LogNote:
    """What a handler tells the request log beyond what the server sees on the wire."""

    dataset_id: str | None = None
    rows: int | None = None
    row_ids: list[str] = field(default_factory=list)
    authenticated: bool = False


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: Message
    body: bytes
    params: dict[str, str]
    request_id: str
    note: LogNote = field(default_factory=LogNote)

    @cached_property
    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    def arg(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.query_pairs:
            if key == name:
                return value
        return default

    def args(self, name: str) -> list[str]:
        return [value for key, value in self.query_pairs if key == name]

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise HttpError(400, "invalid_request", BAD_JSON.format(reason=exc)) from None

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


Handler = Callable[[Request], Response]
ErrorRenderer = Callable[[HttpError], Response]

_PLACEHOLDER = re.compile(r"\{(\w+)(?::([^{}]+))?\}")


def compile_template(template: str) -> re.Pattern[str]:
    """`/api/views/{id}.json` → a regex; `{name:regex}` sets the placeholder's own pattern."""
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        parts.append(f"(?P<{match.group(1)}>{match.group(2) or '[^/]+?'})")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts))


@dataclass
class Route:
    """One endpoint. `faultable`: subject to fault injection; `logged`: kept in the request log;
    `authorize`: a credential check on the headers alone (raise `HttpError` to refuse), which
    the server runs before it reads the body — set it on every route that needs credentials,
    so an anonymous upload costs nothing."""

    method: str
    template: str
    handler: Handler
    errors: ErrorRenderer = socrata_error
    faultable: bool = False
    logged: bool = True
    authorize: Callable[[Request], None] | None = None
    pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        self.pattern = compile_template(self.template)


@dataclass
class Match:
    route: Route
    params: dict[str, str]


class Router:
    """First matching route wins; a path that matches only under other methods answers 405."""

    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(self, routes: Iterable[Route]) -> None:
        self._routes.extend(routes)

    def __iter__(self) -> Iterator[Route]:
        return iter(self._routes)

    def match(self, method: str, path: str) -> Match:
        allowed: list[str] = []
        for route in self._routes:
            found = route.pattern.fullmatch(path)
            if not found:
                continue
            if route.method == method:
                params = {key: unquote(value) for key, value in found.groupdict().items()}
                return Match(route, params)
            allowed.append(route.method)
        if allowed:
            raise HttpError(
                405,
                "method_not_allowed",
                METHOD_NOT_ALLOWED.format(method=method, path=path),
                headers={"Allow": ", ".join(sorted(set(allowed)))},
            )
        raise HttpError(404, "not_found", NO_ROUTE.format(method=method, path=path))
