"""Links to the local portal that still work once `datos-cali run` has ended.

Without credentials a run publishes to the local portal it embeds, on a free port that closes
with the command; a link to it would be dead by the time anyone clicks it. The portal a person
keeps open is the persistent one (`make serve`, `datos-cali portal serve`, on
`DEFAULT_PORT`) serving the same data folder: links are rewritten to it when it answers, and
otherwise the CLI says it is not running instead of printing dead links.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from datos_cali.cli.portal import DEFAULT_PORT

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PROBE = "/_portal/health"
TIMEOUT = 2.0


@dataclass
class LocalLinks:
    persistent: str  # the persistent local portal's address
    running: bool  # it answered as our portal
    stopped: bool = field(default=False)  # some link pointed at a portal that is gone

    @classmethod
    def find(cls, port: int = DEFAULT_PORT) -> LocalLinks:
        base = f"http://127.0.0.1:{port}"
        return cls(base, _answers(base + PROBE))

    def url(self, url: str) -> str | None:
        """`url` itself for a real portal; for the local one, the same page on the persistent
        portal when it runs, else None (and `stopped` says so)."""
        parts = urlsplit(url)
        if parts.hostname not in LOOPBACK or parts.port == urlsplit(self.persistent).port:
            return url
        if not self.running:
            self.stopped = True
            return None
        base = urlsplit(self.persistent)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


def _answers(url: str) -> bool:
    """Our portal answers its health check (straight to loopback, never through a proxy)."""
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with direct.open(url, timeout=TIMEOUT) as response:
            return response.status == 200 and json.loads(response.read(4096)).get("status") == "ok"
    except (OSError, ValueError, AttributeError):
        return False
