"""Write-ahead intents and the recovery of runs that died between the portal and the ledger.

Before its first write to a portal a run records an intent in the ledger (what it is about to
send: `datos_cali.portals.engine.Plan`) and holds a lock file named after the run in the shared
state folder until its ledger rows are written. A host lost or a `kill -9` in between leaves an
intent without its `runs` row — and the kernel drops the dead process's lock.

The next run of the dataset on that portal, before it publishes, takes every such intent whose
lock is free (its run is gone, on whatever host it ran), reads the portal, and records what the
portal received:

    the last verified publication in the state folder is the intent's file, and the portal
    holds the rows it planned     → «publicado (recuperado)», with the planned counts and the
                                    row count the portal shows
    otherwise                     → «falló»: interrupted; this run sends what is missing and
                                    its own row says so

so the ledger never misses a write the portal received. Recovery runs under the dataset's
publication lock, so two runs never record the same intent twice.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
import time
from pathlib import Path

from datos_cali.ledger import Ledger, PublicationIntent
from datos_cali.outcomes import Outcome
from datos_cali.portals.base import Portal, PortalError
from datos_cali.portals.engine import Plan
from datos_cali.portals.state import PublicationState
from datos_cali.spanish import number, quantity

RECOVERED_NOTE = (
    "Ejecución interrumpida después de escribir en el portal; la ejecución {by} lo comprobó: "
    "el portal muestra {rows}, las que esta había verificado."
)
INTERRUPTED = (
    "Ejecución interrumpida a mitad de la publicación; la ejecución {by} encontró en el portal "
    "{rows} (se esperaban {expected}) y envía lo que falte."
)
UNREADABLE = "un número de filas que no se pudo leer"

_held: dict[str, object] = {}  # run id → the open, locked file of that run (this process)
_held_lock = threading.Lock()


def _hold_path(state: Path, run_id: str) -> Path:
    folder = Path(state) / "intents"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{run_id}.lock"


def hold(state: Path, run_id: str) -> None:
    """Mark the run alive until `release`: a lock the kernel drops if the process dies."""
    with _held_lock:
        if run_id in _held:
            return
        handle = open(_hold_path(state, run_id), "a+b")  # noqa: SIM115  (held until release)
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        _held[run_id] = handle


def release(state: Path, run_id: str) -> None:
    """The run's ledger rows are written: its intents are settled."""
    with _held_lock:
        handle = _held.pop(run_id, None)
    if handle is None:
        return
    path = _hold_path(state, run_id)
    path.unlink(missing_ok=True)
    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    handle.close()


def alive(state: Path, run_id: str) -> bool:
    """Whether the run that wrote an intent still holds its lock (here or on another host)."""
    with _held_lock:
        if run_id in _held:
            return True
    path = _hold_path(state, run_id)
    if not path.exists():
        return False
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    path.unlink(missing_ok=True)
    return False


def intent_row(job, submission, target: str, portal_key: str, plan: Plan, flow_run_id) -> dict:
    """The intent of `job` to publish `submission` on one portal (the `Job` of the steps)."""
    return {
        "run_id": job.run_id,
        "flow_run_id": flow_run_id,
        "dataset": job.slug,
        "organismo": job.dataset.organismo,
        "target": target,
        "portal": portal_key,
        "asset_id": plan.asset_id,
        "source_kind": job.dataset.source.kind,
        "source_uri": submission.pulled.uri,
        "source_file_name": submission.pulled.file_name,
        "source_sha256": submission.sha256,
        "planned_created": plan.created,
        "planned_updated": plan.updated,
        "planned_deleted": plan.deleted,
        "expected_rows": plan.rows,
        "started_at": job.started_at,
        "recorded_at": dt.datetime.now(dt.UTC),
    }


def recover(
    slug: str,
    target: str,
    portal: Portal,
    state: PublicationState,
    ledger: Ledger,
    *,
    root: Path,
    by: str,
) -> list[int]:
    """Record what the portal received for every dead run's intent on (slug, portal); the ids
    of the ledger rows written. `root` is the shared state folder (where runs hold their
    locks); `by` is the recovering run's id (said in the note)."""
    waiting = [
        i
        for i in ledger.unfinished_intents(slug, target, portal.key)
        if i.run_id != by and not alive(root, i.run_id)
    ]
    if not waiting:
        return []
    written = []
    with state.writing(slug):
        for intent in waiting:
            if ledger.has_run(intent.run_id, intent.target):  # finished meanwhile
                continue
            written.append(ledger.record(_outcome_row(intent, portal, state, by)))
    return written


def _outcome_row(
    intent: PublicationIntent, portal: Portal, state: PublicationState, by: str
) -> dict:
    asset_id = intent.asset_id or state.asset_id(intent.dataset)
    try:
        shown = portal.count(asset_id) if asset_id else 0
    except PortalError:
        shown = None
    last = state.last(intent.dataset)
    verified = (
        last is not None
        and last.source_sha256 == intent.source_sha256
        and last.asset_id == asset_id
        and shown == intent.expected_rows
    )
    now = dt.datetime.now(dt.UTC)
    row = {
        "run_id": intent.run_id,
        "flow_run_id": intent.flow_run_id,
        "dataset": intent.dataset,
        "organismo": intent.organismo,
        "target": intent.target,
        "portal": intent.portal,
        "portal_url": portal.dataset_url(asset_id) if asset_id else None,
        "asset_id": asset_id,
        "source_kind": intent.source_kind,
        "source_uri": intent.source_uri,
        "source_file_name": intent.source_file_name,
        "source_sha256": intent.source_sha256,
        "rows": shown,
        "started_at": intent.started_at,
        "finished_at": max(now, intent.started_at),
        "timings": {},
    }
    if verified:
        return {
            **row,
            "outcome": Outcome.RECOVERED,
            "created": intent.planned_created,
            "updated": intent.planned_updated,
            "deleted": intent.planned_deleted,
            "error_message": RECOVERED_NOTE.format(by=by[:8], rows=quantity(shown, "fila")),
        }
    return {
        **row,
        "outcome": Outcome.FAILED,
        "error_message": INTERRUPTED.format(
            by=by[:8],
            rows=UNREADABLE if shown is None else quantity(shown, "fila"),
            expected=number(intent.expected_rows),
        ),
    }


def pause_point(name: str) -> None:
    """Tests only: with `DATOS_CALI_TEST_PAUSE=<name>:<file>`, create <file> and wait there, so
    a test can kill the process at exactly this point. Unset in every real run."""
    wanted = os.environ.get("DATOS_CALI_TEST_PAUSE", "")
    point, _, marker = wanted.partition(":")
    if point != name or not marker:
        return
    Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    while True:
        time.sleep(1)
