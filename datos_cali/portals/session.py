"""Open the portal for each catalog target: the real one with credentials, else the local portal.

One `PortalSession` per run: the embedded local portal (started in-process on a free port, data
under `<state>/portal`) is shared by every dataset and target of the run and stopped at the end.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pydantic import SecretStr

from datos_cali.catalog.models import Portal as Target
from datos_cali.portals.base import Portal
from datos_cali.portals.credentials import CkanCredentials, SocrataCredentials

LOCAL_KEY = "local"


def local_socrata(local) -> SocrataCredentials:
    """What the Socrata adapter needs to reach a running `LocalPortal` (plain HTTP)."""
    creds = local.credentials
    return SocrataCredentials(
        domain=local.domain,
        scheme="http",
        app_token=SecretStr(creds.app_token),
        key_id=SecretStr(creds.key_id),
        key_secret=SecretStr(creds.key_secret),
    )


def local_ckan(local) -> CkanCredentials:
    """What the CKAN adapter needs to reach a running `LocalPortal`."""
    return CkanCredentials(url=local.url, api_token=SecretStr(local.credentials.ckan_token))


class PortalSession:
    def __init__(
        self,
        state_dir: Path,
        *,
        socrata: SocrataCredentials | None = None,
        ckan: CkanCredentials | None = None,
        use_env: bool = True,
    ):
        self.state_dir = Path(state_dir)
        self.socrata = socrata or (SocrataCredentials.from_env() if use_env else None)
        self.ckan = ckan or (CkanCredentials.from_env() if use_env else None)
        self._local = None
        self._lock = threading.Lock()  # flows share one session across worker threads
        self._portals: dict[Target, Portal] = {}

    def __enter__(self) -> PortalSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def local(self):
        """The embedded portal, started on first use."""
        with self._lock:
            if self._local is None:
                from datos_cali.localportal import LocalPortal

                self._local = LocalPortal(self.state_dir / "portal").start()
            return self._local

    def is_local(self, target: Target) -> bool:
        return (self.socrata if target == Target.DATOS_GOV_CO else self.ckan) is None

    def portal(self, target: Target) -> Portal:
        """The session's shared adapter for `target`."""
        if target not in self._portals:
            portal = self._open(target)
            with self._lock:
                self._portals.setdefault(target, portal)
        return self._portals[target]

    def open(self, target: Target) -> Portal:
        """A fresh adapter (its own traffic counters); the caller closes it."""
        return self._open(target)

    def _open(self, target: Target) -> Portal:
        if target == Target.DATOS_GOV_CO:
            from datos_cali.portals.socrata import SocrataPortal

            if self.socrata is not None:
                return SocrataPortal(self.socrata)
            return SocrataPortal(local_socrata(self.local), key=f"socrata@{LOCAL_KEY}")
        from datos_cali.portals.ckan import CkanPortal

        if self.ckan is not None:
            return CkanPortal(self.ckan)
        return CkanPortal(local_ckan(self.local), key=f"ckan@{LOCAL_KEY}")

    def close(self) -> None:
        for portal in self._portals.values():
            portal.close()
        self._portals.clear()
        if self._local is not None:
            self._local.stop()
            self._local = None
