"""Open the portal for each catalog target: the real one with credentials, else the local portal.

One `PortalSession` per run: the embedded local portal (started in-process on a free port, data
under `<state>/portal`) is shared by every dataset and target of the run and stopped at the end.
Which adapter answers a target is the registry's business (`datos_cali.portals.registry`).
"""

from __future__ import annotations

import threading
from pathlib import Path

from datos_cali.localportal import LocalPortal
from datos_cali.portals import registry
from datos_cali.portals.base import Portal
from datos_cali.portals.credentials import PortalCredentials, SecretLookup


class PortalSession:
    def __init__(
        self,
        state_dir: Path,
        credentials: dict[str, PortalCredentials] | None = None,
    ):
        """`credentials` by target name; a target without any publishes to the local portal."""
        self.state_dir = Path(state_dir)
        self.credentials = dict(credentials or {})
        self._local: LocalPortal | None = None
        self._lock = threading.Lock()  # flows share one session across worker threads
        self._portals: dict[str, Portal] = {}

    @classmethod
    def configured(cls, state_dir: Path, secret: SecretLookup | None = None) -> PortalSession:
        """A session with every portal's credentials from the environment (then `secret`)."""
        return cls(state_dir, registry.configured_credentials(registry.ADAPTERS.names(), secret))

    def __enter__(self) -> PortalSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def local(self) -> LocalPortal:
        """The embedded portal, started on first use."""
        with self._lock:
            if self._local is None:
                self._local = LocalPortal(self.state_dir / "portal").start()
            return self._local

    def portal(self, target: str) -> Portal:
        """The session's shared adapter for `target`."""
        if target not in self._portals:
            portal = self._open(target)
            with self._lock:
                self._portals.setdefault(target, portal)
        return self._portals[target]

    def open(self, target: str) -> Portal:
        """A fresh adapter (its own traffic counters); the caller closes it."""
        return self._open(target)

    def _open(self, target: str) -> Portal:
        entry = registry.adapter(target)
        adapter = entry.load()
        if target in self.credentials:
            return adapter(self.credentials[target])
        local = entry.credentials.for_local(self.local)
        return adapter(local, key=f"{entry.family}@{registry.LOCAL}")

    def close(self) -> None:
        for portal in self._portals.values():
            portal.close()
        self._portals.clear()
        if self._local is not None:
            self._local.stop()
            self._local = None
