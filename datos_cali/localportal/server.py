"""The HTTP/1.1 server: keep-alive connections, routing, fault injection and the request log.

Built on the stdlib `ThreadingHTTPServer` rather than a framework because faults need the
socket itself: a "reset" closes it with SO_LINGER 0 so the client gets a real TCP RST, possibly
halfway through sending its body; a "timeout" holds the connection and never answers.

Nothing a client sends is trusted with memory: the route is matched and the route's credential
check (`Route.authorize`) runs on the headers alone, and the declared size is checked against
`max_body_bytes` (413), before a byte of the body is read; a chunked body is counted as it
arrives. A refused request is answered and its connection closed without reading the body.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import unquote_plus, urlsplit

from datos_cali.localportal import faults as f
from datos_cali.localportal import ids
from datos_cali.localportal.requestlog import RequestLog, RequestLogEntry
from datos_cali.localportal.routing import (
    HttpError,
    Request,
    Response,
    Route,
    Router,
    socrata_error,
)

logger = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
INTERNAL_ERROR = "Internal error in the local portal: {kind}"
BAD_BODY = "Could not read the request body: {reason}"
INJECTED = {
    f.THROTTLED: (429, "too_many_requests", "Too many requests; retry after {retry} seconds"),
    f.SERVER_ERROR: (500, "internal_error", "Internal server error (injected fault)"),
    f.BAD_GATEWAY: (502, "bad_gateway", "Bad gateway (injected fault)"),
    f.UNAVAILABLE: (503, "service_unavailable", "Service unavailable (injected fault)"),
}
_RESET_READ_LIMIT = 1 << 20
TOO_LARGE = "The request body ({size} bytes) is larger than this portal accepts ({limit} bytes)"
LINGER_SECONDS = 2.0
LINGER_BYTES = 16 << 20


def too_large(size: int, limit: int) -> HttpError:
    return HttpError(413, "request_too_large", TOO_LARGE.format(size=size, limit=limit))


class Portal(Protocol):
    """What the server needs from the portal object."""

    router: Router
    faults: f.FaultInjector
    log: RequestLog
    max_body_bytes: int

    def now(self) -> datetime: ...


class PortalHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], portal: Portal) -> None:
        self.portal = portal
        self.stopping = threading.Event()
        self._clients: set[socket.socket] = set()
        self._clients_lock = threading.Lock()
        super().__init__(address, PortalRequestHandler)

    def process_request(self, request, client_address) -> None:
        with self._clients_lock:
            self._clients.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._clients_lock:
            self._clients.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        """A client that vanished is routine; anything else is a bug worth a traceback."""
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, ConnectionError | TimeoutError):
            logger.debug("client %s went away", client_address, exc_info=True)
        else:
            logger.error("local portal failed serving %s", client_address, exc_info=True)

    def drop_clients(self) -> None:
        """Close kept-alive connections so their threads end when the portal stops."""
        with self._clients_lock:
            clients = list(self._clients)
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)


class PortalRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "datos-cali-portal/1"
    server: PortalHTTPServer

    def setup(self) -> None:
        super().setup()
        # Answers are small writes; without this, Nagle + delayed ACK add ~40 ms to each one.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args) -> None:  # the request log replaces stderr lines
        return

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    # --- the request cycle ----------------------------------------------------------------
    def _dispatch(self) -> None:
        """Route, authenticate and size-check from the headers alone; only then read the body."""
        started = time.perf_counter()
        portal = self.server.portal
        split = urlsplit(self.path)
        method, path = self.command.upper(), split.path
        request = Request(method, path, split.query, self.headers, b"", {}, ids.request_id())
        try:
            match = portal.router.match(method, path)
        except HttpError as error:
            self._refuse(request, _UNROUTED, socrata_error(error), started)
            return
        route, request.params = match.route, match.params
        try:
            if route.authorize is not None:
                route.authorize(request)
            length = self._declared_length(portal.max_body_bytes)
        except HttpError as error:
            self._refuse(request, route, route.errors(error), started)
            return
        except ValueError as exc:
            error = HttpError(400, "invalid_request", BAD_BODY.format(reason=exc))
            self._refuse(request, route, route.errors(error), started)
            return

        fault = portal.faults.decide(method in WRITE_METHODS) if route.faultable else None
        if route.faultable and portal.faults.settings.latency_ms:
            self.server.stopping.wait(portal.faults.settings.latency_ms / 1000)
        if fault == f.RESET:
            self._reset_midway(request, route, started)
            return
        try:
            request.body = self._read_body(length, portal.max_body_bytes)
        except HttpError as error:  # a chunked body past the limit
            self._refuse(request, route, route.errors(error), started)
            return
        except (ValueError, OSError) as exc:
            error = HttpError(400, "invalid_request", BAD_BODY.format(reason=exc))
            self.close_connection = True
            self._finish(request, route, route.errors(error), fault, started)
            return
        if fault == f.TIMEOUT:
            self._log(request, route, 0, fault, started)
            self.server.stopping.wait(portal.faults.settings.timeout_seconds)
            self.close_connection = True
            return
        if fault in INJECTED:
            self._finish(request, route, self._injected(route, fault), fault, started)
            return

        response = self._handle(request, route)
        if fault == f.AFTER_WRITE:
            self._log(request, route, response.status, fault, started)
            self._reset()
            return
        self._finish(request, route, response, fault, started)

    def _refuse(self, request: Request, route: Route, response: Response, started: float) -> None:
        """Answer without reading the body, then close: the unread body cannot stay on a
        kept-alive connection. The client gets the answer before the close (`_linger`)."""
        self.close_connection = True
        response.headers.setdefault("Connection", "close")
        self._finish(request, route, response, None, started)
        self._linger()

    def _linger(self) -> None:
        """Half-close and discard what the client is still sending, for a moment and up to a
        bound, so closing does not reset the connection before the client read the answer."""
        connection = self.connection
        with contextlib.suppress(OSError):
            self.wfile.flush()
            connection.shutdown(socket.SHUT_WR)
            connection.settimeout(LINGER_SECONDS)
            deadline = time.monotonic() + LINGER_SECONDS
            drained = 0
            while drained < LINGER_BYTES and time.monotonic() < deadline:
                chunk = self.rfile.read1(1 << 16)
                if not chunk:
                    break
                drained += len(chunk)

    def _handle(self, request: Request, route: Route) -> Response:
        try:
            return route.handler(request)
        except HttpError as error:
            return route.errors(error)
        except Exception as exc:  # a bug must answer 500, not kill the connection
            logger.exception("local portal handler failed: %s %s", request.method, request.path)
            message = INTERNAL_ERROR.format(kind=type(exc).__name__)
            return route.errors(HttpError(500, "internal_error", message))

    def _injected(self, route: Route, fault: str) -> Response:
        """An injected 429/5xx, in the error shape of the API the route belongs to."""
        status, code, message = INJECTED[fault]
        retry = self.server.portal.faults.settings.retry_after
        headers = {"Retry-After": str(retry)} if fault == f.THROTTLED else {}
        return route.errors(HttpError(status, code, message.format(retry=retry), {}, headers))

    def _finish(self, request, route, response: Response, fault, started: float) -> None:
        self._log(request, route, response.status, fault, started)
        try:
            self._send(response, request.request_id)
        except OSError:  # the client went away mid-answer
            self.close_connection = True

    def _log(self, request: Request, route: Route, status: int, fault, started: float) -> None:
        if not route.logged:
            return
        note = request.note
        app_token = bool(self.headers.get("X-App-Token") or request.arg("$$app_token"))
        entry = RequestLogEntry(
            id=0,
            at=self.server.portal.now(),
            method=request.method,
            path=request.path,
            query=_redact(request.query),
            body_bytes=len(request.body),
            status=status,
            request_id=request.request_id,
            dataset_id=note.dataset_id,
            rows=note.rows,
            row_ids=note.row_ids,
            fault=fault,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 3),
            app_token=app_token,
            authenticated=note.authenticated,
        )
        self.server.portal.log.append(entry)

    # --- bodies ---------------------------------------------------------------------------
    def _declared_length(self, limit: int) -> int | None:
        """The Content-Length (None for a chunked body), refused past `limit` before any byte
        of the body is read: a `Content-Length: 10**12` costs nothing."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return None
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not raw.isdigit() or len(raw) > 20:
            raise ValueError(f"invalid Content-Length {raw[:30]!r}")
        length = int(raw)
        if length > limit:
            raise too_large(length, limit)
        return length

    def _read_body(self, length: int | None, limit: int) -> bytes:
        if length is None:
            return self._read_chunked(limit)
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            raise ValueError("the body ended before Content-Length")
        return body

    def _read_chunked(self, limit: int) -> bytes:
        parts, total = [], 0
        while True:
            size = int(self.rfile.readline(65537).split(b";")[0].strip() or b"0", 16)
            if size < 0:
                raise ValueError("negative chunk size")
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            total += size
            if total > limit:  # checked before reading: read(size) would allocate `size`
                raise too_large(total, limit)
            chunk = self.rfile.read(size)
            if len(chunk) != size:
                raise ValueError("the body ended inside a chunk")
            parts.append(chunk)
            self.rfile.readline(65537)

    def _send(self, response: Response, request_id: str) -> None:
        self.send_response(response.status)
        headers = {"X-Socrata-RequestId": request_id, **response.headers}
        if response.content_type:
            headers["Content-Type"] = response.content_type
        streamed = not isinstance(response.body, bytes)
        if streamed:
            headers["Transfer-Encoding"] = "chunked"
        else:
            headers["Content-Length"] = str(len(response.body))  # type: ignore[arg-type]
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if not streamed:
            self.wfile.write(response.body)  # type: ignore[arg-type]
            return
        for chunk in response.body:
            if chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    # --- faults on the socket -------------------------------------------------------------
    def _reset_midway(self, request: Request, route: Route, started: float) -> None:
        """Read part of the body (if any), log, then reset the connection."""
        length = int(self.headers.get("Content-Length") or 0)
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        if length > 0 or chunked:
            wanted = min(max(length // 2, 1), _RESET_READ_LIMIT) if length else 1024
            with contextlib.suppress(OSError):
                request.body = self.rfile.read1(wanted)
        self._log(request, route, 0, f.RESET, started)
        self._reset()

    def _reset(self) -> None:
        """Close with SO_LINGER 0: the kernel sends RST instead of a graceful FIN."""
        self.close_connection = True
        connection = self.connection
        with contextlib.suppress(OSError):
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            self.rfile.close()  # the reader holds a reference that would delay the real close
        connection.close()


def _redact(query: str) -> str:
    """The query string with any `$$app_token` value hidden."""
    parts = []
    for part in query.split("&"):
        name, sep, _value = part.partition("=")
        hidden = unquote_plus(name) == "$$app_token"
        parts.append(f"{name}{sep}***" if hidden else part)
    return "&".join(parts)


_UNROUTED = Route("GET", "/", lambda _request: Response(), faultable=False)
