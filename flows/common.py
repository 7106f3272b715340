"""What every flow shares in one process: the portal session, credentials, the ledger.

Credentials come from the environment, else from Prefect Secret blocks (`socrata-key-id`,
`socrata-key-secret`, `socrata-app-token`, `ckan-api-token`); with none configured the run
targets the embedded local portal.
"""

from __future__ import annotations

import atexit
import os
import threading

from pydantic import SecretStr

from datos_cali.ledger import open_ledger
from datos_cali.portals.credentials import CkanCredentials, SocrataCredentials
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths

PORTAL_WRITES = "datos-cali-portal-writes"
DEFAULT_PORTAL_WRITES = 4
BAD_WRITE_LIMIT = "DATOS_CALI_PORTAL_WRITES debe ser un número entero positivo, no «{raw}»."

# Seconds between retries of transient failures; tests shorten them with DATOS_CALI_RETRY_DELAYS.
RETRY_DELAYS = [int(s) for s in os.environ.get("DATOS_CALI_RETRY_DELAYS", "2,15,60").split(",")]


class TransientFailure(Exception):
    """A failure a retry may fix; carries the result to report if retries run out."""

    def __init__(self, result):
        super().__init__(result.error if hasattr(result, "error") else str(result))
        self.result = result


def _transient_only(task, task_run, state) -> bool:
    try:
        state.result()
    except TransientFailure:
        return True
    except Exception:
        return False
    return False


# Task options: retry only what a retry may fix (network, throttling); a contract failure is final.
RETRY_TRANSIENT = {
    "retries": 3,
    "retry_delay_seconds": RETRY_DELAYS,
    "retry_condition_fn": _transient_only,
}

_lock = threading.Lock()
_session: PortalSession | None = None
_ledger = None


def _secret(name: str) -> str | None:
    try:
        from prefect.blocks.system import Secret

        return Secret.load(name).get()
    except Exception:  # no such block, or no API: fall back to the local portal
        return None


def socrata_credentials() -> SocrataCredentials | None:
    found = SocrataCredentials.from_env()
    if found or os.environ.get("DATOS_CALI_NO_SECRET_BLOCKS"):
        return found
    key_id, secret = _secret("socrata-key-id"), _secret("socrata-key-secret")
    if not (key_id and secret):
        return None
    token = _secret("socrata-app-token")
    return SocrataCredentials(
        domain=os.environ.get("SOCRATA_DOMAIN", "www.datos.gov.co"),
        app_token=SecretStr(token) if token else None,
        key_id=SecretStr(key_id),
        key_secret=SecretStr(secret),
    )


def ckan_credentials() -> CkanCredentials | None:
    found = CkanCredentials.from_env()
    if found or os.environ.get("DATOS_CALI_NO_SECRET_BLOCKS"):
        return found
    token = _secret("ckan-api-token")
    if not token:
        return None
    return CkanCredentials(
        url=os.environ.get("CKAN_URL", "https://datos.cali.gov.co"), api_token=SecretStr(token)
    )


def portal_session() -> PortalSession:
    """One session per process, so a sweep shares one embedded portal."""
    global _session
    with _lock:
        if _session is None:
            _session = PortalSession(
                paths().state, socrata=socrata_credentials(), ckan=ckan_credentials(), use_env=False
            )
        return _session


def ledger():
    global _ledger
    with _lock:
        if _ledger is None:
            _ledger = open_ledger()
        return _ledger


def close() -> None:
    """Stop the embedded portal and close the ledger (the CLI calls this at the end)."""
    global _session, _ledger
    with _lock:
        if _session is not None:
            _session.close()
            _session = None
        if _ledger is not None:
            _ledger.close()
            _ledger = None


atexit.register(close)


_limit_ready: set[str] = set()


def ensure_concurrency_limit_once(name: str = PORTAL_WRITES) -> None:
    """Per process and API: the limit must exist before the first write asks for a slot."""
    from prefect.settings import PREFECT_API_URL

    key = f"{name}@{PREFECT_API_URL.value()}"
    if key not in _limit_ready:
        ensure_concurrency_limit(name)
        _limit_ready.add(key)


def portal_write_limit() -> int:
    """Simultaneous portal writes allowed across all flows (`DATOS_CALI_PORTAL_WRITES`)."""
    raw = os.environ.get("DATOS_CALI_PORTAL_WRITES", str(DEFAULT_PORTAL_WRITES))
    try:
        return max(1, int(raw))
    except ValueError:
        raise SystemExit(BAD_WRITE_LIMIT.format(raw=raw)) from None


def ensure_concurrency_limit(name: str = PORTAL_WRITES, limit: int | None = None) -> None:
    """Create or resize the global concurrency limit on portal writes."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import (
        GlobalConcurrencyLimitCreate,
        GlobalConcurrencyLimitUpdate,
    )
    from prefect.exceptions import ObjectNotFound

    size = limit or portal_write_limit()
    with get_client(sync_client=True) as client:
        try:
            current = client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=name, limit=size, active=True)
            )
            return
        if current.limit != size or not current.active:
            client.update_global_concurrency_limit(
                name, GlobalConcurrencyLimitUpdate(limit=size, active=True)
            )
