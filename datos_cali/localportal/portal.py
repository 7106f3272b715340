"""`LocalPortal`: the embedded portal a run without credentials publishes to, and tests use.

It wires the pieces: the SQLite store under `data_dir`, the router with the admin, Socrata, CKAN
and page routes (more APIs can mount theirs with `register_routes`), fault injection, the
request log and the clock that usage windows are measured against.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from datos_cali.localportal.admin import Admin
from datos_cali.localportal.auth import Credentials
from datos_cali.localportal.ckan_api import CkanApi
from datos_cali.localportal.ckan_pages import CkanPages
from datos_cali.localportal.discovery import DiscoveryApi
from datos_cali.localportal.faults import FaultInjector, FaultSettings
from datos_cali.localportal.pages import Pages
from datos_cali.localportal.requestlog import RequestLog, RequestLogEntry
from datos_cali.localportal.routing import Route, Router
from datos_cali.localportal.server import PortalHTTPServer
from datos_cali.localportal.socrata import SocrataApi
from datos_cali.localportal.store import FILE_NAME, Store

NOT_STARTED = "the local portal has not been started; call start() first"
MAX_BODY_ENV = "DATOS_CALI_PORTAL_MAX_BODY_MB"
DEFAULT_MAX_BODY_MB = 64  # 16× the pipeline's largest chunk (4 MiB, `publish.CHUNK_BYTES`)
BAD_MAX_BODY = "{name} debe ser un número positivo de megabytes; se recibió «{value}»."


def max_body_from_env() -> int:
    """The request-body limit in bytes: `DATOS_CALI_PORTAL_MAX_BODY_MB`, else 64 MB."""
    raw = os.environ.get(MAX_BODY_ENV, "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_BODY_MB
    except ValueError:
        raise ValueError(BAD_MAX_BODY.format(name=MAX_BODY_ENV, value=raw)) from None
    if not megabytes > 0:
        raise ValueError(BAD_MAX_BODY.format(name=MAX_BODY_ENV, value=raw))
    return int(megabytes * 1024 * 1024)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class LocalPortal:
    """An HTTP server on loopback speaking Socrata's and CKAN's APIs, persisted in `data_dir`."""

    def __init__(
        self,
        data_dir: Path,
        port: int = 0,
        host: str = "127.0.0.1",
        credentials: Credentials | None = None,
        faults: FaultSettings | None = None,
        clock: Callable[[], datetime] | None = None,
        max_body_bytes: int | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.host, self.port = host, port
        self.max_body_bytes = max_body_bytes or max_body_from_env()
        self.store = Store(self.data_dir / FILE_NAME)
        self.credentials = Credentials.for_portal(self.store, credentials)
        self.faults = FaultInjector(faults or FaultSettings())
        self.log = RequestLog(self.store)
        self._clock = clock or _utc_now
        self.router = Router()
        self._server: PortalHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.register_routes(Admin(self).routes())
        self.register_routes(SocrataApi(self).routes())
        self.register_routes(DiscoveryApi(self).routes())
        self.register_routes(Pages(self).routes())
        self.register_routes(CkanApi(self).routes())
        self.register_routes(CkanPages(self).routes())

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> LocalPortal:
        """Serve in a background thread; returns self (so `with LocalPortal(d).start() as p`)."""
        if self._server is not None:
            return self
        self._server = PortalHTTPServer((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"local-portal-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.drop_clients()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.store.close()

    def __enter__(self) -> LocalPortal:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    # --- addresses ------------------------------------------------------------------------
    @property
    def domain(self) -> str:
        """`host:port`, what sodapy takes as its domain."""
        if self._server is None:
            raise RuntimeError(NOT_STARTED)
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.domain}"

    # --- time -----------------------------------------------------------------------------
    def now(self) -> datetime:
        moment = self._clock()
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def epoch(self) -> float:
        return self.now().timestamp()

    # --- extension and control ------------------------------------------------------------
    def register_routes(self, routes: Iterable[Route]) -> None:
        """Mount more endpoints on the same server (first matching route wins)."""
        self.router.add(routes)

    def set_faults(self, settings: FaultSettings) -> None:
        """Change fault injection at runtime; the random sequence restarts from the seed."""
        self.faults.update(settings)

    def request_log(self, since_id: int = 0) -> list[RequestLogEntry]:
        """Every logged request with an id above `since_id`, oldest first."""
        return self.log.since(since_id)

    def clear_request_log(self) -> None:
        self.log.clear()
