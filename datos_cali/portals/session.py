"""Open the portal for each catalog target: the real one with credentials, else (in local mode
only) the local portal.

In production mode (`datos_cali.runmode`) a session without every portal's credentials is
refused when it is made, listing what is missing, and the embedded portal never starts: nothing
can be written anywhere but the real portals. One `PortalSession` per run: the embedded local portal (started in-process on a free port, data
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
from datos_cali.runmode import NO_LOCAL_PORTAL, Mode, ModeError, not_ready
from datos_cali.runmode import current as current_mode


class PortalSession:
    def __init__(
        self,
        state_dir: Path,
        credentials: dict[str, PortalCredentials] | None = None,
        mode: Mode | None = None,
    ):
        """`credentials` by target name; a target without any publishes to the local portal,
        in local mode only. `mode` defaults to `DATOS_CALI_MODE`."""
        self.state_dir = Path(state_dir)
        self.credentials = dict(credentials or {})
        self.mode = mode or current_mode()
        self._local: LocalPortal | None = None
        self._lock = threading.Lock()  # flows share one session across worker threads
        self._portals: dict[str, Portal] = {}

    @classmethod
    def configured(
        cls, state_dir: Path, secret: SecretLookup | None = None, mode: Mode | None = None
    ) -> PortalSession:
        """A session with every portal's credentials from the environment (then `secret`).

        Production mode: `ModeError` naming every portal without credentials."""
        mode = mode or current_mode()
        names = registry.ADAPTERS.names()
        found = registry.configured_credentials(names, secret)
        if mode == Mode.PRODUCTION and (missing := registry.missing_credentials(names, found)):
            raise not_ready(missing)
        return cls(state_dir, found, mode)

    def __enter__(self) -> PortalSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def local(self) -> LocalPortal:
        """The embedded portal, started on first use."""
        with self._lock:
            if self._local is None:
                if self.mode == Mode.PRODUCTION:
                    raise ModeError(NO_LOCAL_PORTAL.format(target="el portal local"))
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
        if self.mode == Mode.PRODUCTION:
            raise ModeError(NO_LOCAL_PORTAL.format(target=target))
        local = entry.credentials.for_local(self.local)
        return adapter(local, key=f"{entry.family}@{registry.LOCAL}")

    def close(self) -> None:
        for portal in self._portals.values():
            portal.close()
        self._portals.clear()
        if self._local is not None:
            self._local.stop()
            self._local = None
