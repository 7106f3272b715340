"""What every flow shares in one process: the portal session, credentials, the ledger, and the
retry and concurrency policies.

Credentials come from the environment, else from Prefect Secret blocks (each portal's
credentials model says which: `datos_cali.portals.credentials`); a portal with none configured
is the embedded local portal in local mode, and a refused run in production mode
(`datos_cali.runmode`). A Secret block that cannot be read for any reason other than "there is
no such block" stops the run: it is never taken for "no credentials".
"""

from __future__ import annotations

import atexit
import os
import threading

from prefect.automations import Automation
from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.context import get_run_context
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, get_current_settings

from datos_cali.ledger import Ledger, open_ledger
from datos_cali.portals.credentials import SecretLookupError
from datos_cali.portals.session import PortalSession
from datos_cali.runmode import Mode, ModeError
from datos_cali.runmode import current as current_mode
from datos_cali.settings import paths

PORTAL_WRITES = "datos-cali-portal-writes"
CRASH_AUTOMATION = "datos-cali: ejecuciones sin latido → CRASHED"
MISSED_HEARTBEATS = 3  # heartbeats missed in a row before a run is declared crashed
NO_CRASH_WATCH = (
    "El servidor de Prefect no tiene activa la automatización «{name}»: una ejecución cuyo "
    "equipo se pierda quedaría «en curso» para siempre. Ejecute «datos-cali servidor preparar»."
)
NO_HEARTBEATS = (
    "Este equipo no envía latidos de sus ejecuciones (PREFECT_FLOWS_HEARTBEAT_FREQUENCY vacía): "
    "si se pierde, la ejecución quedaría «en curso» para siempre. Defínala en {expected} s, "
    "como donde se ejecutó «datos-cali servidor preparar»."
)
SLOW_HEARTBEATS = (
    "Este equipo envía un latido cada {mine} s, pero el servidor marca como fallida (CRASHED) "
    "una ejecución sin latido durante {window} s: marcaría ejecuciones vivas. Defina "
    "PREFECT_FLOWS_HEARTBEAT_FREQUENCY={expected} en este equipo, o vuelva a ejecutar "
    "«datos-cali servidor preparar» con la frecuencia nueva."
)
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
_ledger: Ledger | None = None


def _secret(name: str) -> str | None:
    """The Secret block's value; None only when no block of that name exists."""
    if os.environ.get("DATOS_CALI_NO_SECRET_BLOCKS"):
        return None
    try:
        return Secret.load(name).get()
    except ValueError as exc:
        if isinstance(exc.__cause__, ObjectNotFound):  # Prefect's "Unable to find block …"
            return None
        raise SecretLookupError(name, exc) from exc
    except Exception as exc:  # the server is down, refuses us, or the block is broken
        raise SecretLookupError(name, exc) from exc


def preflight() -> None:
    """Open the portal session and the ledger before anything is read or written, so a run the
    installation is not ready for (production mode without credentials or `DATOS_CALI_DB_URL`,
    a Secret block that cannot be read, heartbeats the server's crash automation does not
    expect) fails at once with the reason, in Spanish."""
    portal_session()
    ledger()
    if current_mode() == Mode.PRODUCTION:
        check_heartbeats()


def check_heartbeats() -> None:
    """The crash automation (`datos-cali servidor preparar`) marks a run CRASHED after
    MISSED_HEARTBEATS of the periods it was made for. A process sending none would stay
    RUNNING forever when its host dies; one sending them less often would be marked CRASHED
    while alive. Either is said here, before the run starts."""
    try:
        automation = Automation.read(name=CRASH_AUTOMATION)
    except ValueError:  # Prefect: "Automation with name … not found"
        automation = None
    if automation is None or not automation.enabled:
        raise ModeError(NO_CRASH_WATCH.format(name=CRASH_AUTOMATION))
    window = int(automation.trigger.within.total_seconds())
    expected = window // MISSED_HEARTBEATS
    mine = get_current_settings().flows.heartbeat_frequency
    if mine is None:
        raise ModeError(NO_HEARTBEATS.format(expected=expected))
    if mine > expected:
        raise ModeError(SLOW_HEARTBEATS.format(mine=mine, window=window, expected=expected))


def portal_session() -> PortalSession:
    """One session per process, so a sweep shares one embedded portal."""
    global _session
    with _lock:
        if _session is None:
            _session = PortalSession.configured(paths().state, secret=_secret)
        return _session


def ledger() -> Ledger:
    global _ledger
    with _lock:
        if _ledger is None:
            _ledger = open_ledger()
        return _ledger


def flow_run_id() -> str | None:
    """The flow run this code runs in (from a flow or one of its tasks), for the ledger."""
    try:
        context = get_run_context()
    except Exception:  # outside any run
        return None
    run = getattr(context, "flow_run", None)
    if run is not None:
        return str(run.id)
    task_run = getattr(context, "task_run", None)
    return str(task_run.flow_run_id) if task_run and task_run.flow_run_id else None


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

# Seconds a portal-write slot is leased for (Prefect's minimum is 60). The holder renews it
# every 45 s while it lives; when the holder dies (host lost, kill -9) the server's repossessor
# takes the slots back within this plus its loop (15 s), so a dead sweep never blocks the next.
SLOT_LEASE_SECONDS = 60


def ensure_concurrency_limit_once(name: str = PORTAL_WRITES) -> None:
    """Per process and API: the limit must exist before the first write asks for a slot."""
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


def ensure_concurrency_limit(name: str = PORTAL_WRITES, limit: int | None = None) -> int:
    """Create the global limit on portal writes when it does not exist (a local run's temporary
    server), and return its size. Never resizes it: that is the installation's setting, made
    once by `datos-cali servidor preparar` (`datos_cali_flows.operations`), not by each run's env."""
    with get_client(sync_client=True) as client:
        try:
            return client.read_global_concurrency_limit_by_name(name).limit
        except ObjectNotFound:
            size = limit or portal_write_limit()
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=name, limit=size, active=True)
            )
            return size
