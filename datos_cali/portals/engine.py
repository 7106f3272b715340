"""The publishing engine: a validated dataset to one portal, only what changed, safely, verified.

It speaks only the `Portal` interface, so it works the same on every registered adapter.

    ensure the asset → merge metadata → diff against "last published" → send deletes and
    upserts in chunks (or replace through a working copy when there is no row identifier) →
    verify count and a sample read back → only then record "last published".

Before the first row is written the engine tells the caller what it is about to send (`on_plan`,
a `Plan`; only the idempotent metadata update of an existing asset may come before it): the pipeline records it in the ledger as a write-ahead intent, so a run that dies after
writing can be accounted for by the next one (`datos_cali.pipeline.recovery`).

If the portal does not match the source after the incremental pass (someone edited it, a crash
left extra rows, the state was lost), the row keys are reconciled and the check runs again.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from queue import Full, Queue

import numpy as np
import pandas as pd

from datos_cali.catalog.models import Coordinates
from datos_cali.contracts.coerce import TypedColumns
from datos_cali.outcomes import Outcome
from datos_cali.portals.base import DatasetSpec, Portal, PortalError, WriteResult
from datos_cali.portals.diff import ChangeSet, Snapshot, changes
from datos_cali.portals.records import (
    canonical_rows,
    chunks,
    differences,
    payload_size,
    row_keys,
)
from datos_cali.portals.state import PublicationState, Published

CHUNK_ROWS = 10_000  # DataSync's default
CHUNK_BYTES = 4 * 1024**2


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


SAMPLE = 100

ERR_COUNT = "Filas en el portal: {actual}; en la fuente: {expected}, aun después de reconciliar."
ERR_SAMPLE = "Filas leídas del portal que no coinciden con la fuente: {count} (columnas: {fields})."


class VerificationError(PortalError):
    def __init__(self, message: str):
        super().__init__(message, transient=False)


@dataclass
class PublishOutcome:
    target: str
    asset_id: str
    url: str
    outcome: Outcome  # published or unchanged
    rows: int
    created: int = 0
    updated: int = 0
    deleted: int = 0
    rows_sent: int = 0
    reconciled: bool = False
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """What a publication is about to send, decided before its first write to the portal."""

    asset_id: str | None  # None: the asset is about to be created
    created: int
    updated: int
    deleted: int
    rows: int  # rows the portal holds once it is done


@dataclass
class _Job:
    frame: pd.DataFrame | TypedColumns
    spec: DatasetSpec
    portal: Portal
    coordinates: Coordinates | None
    chunk_rows: int
    chunk_bytes: int
    written: WriteResult = field(default_factory=WriteResult)
    timings: dict[str, float] = field(default_factory=dict)

    def timed(self, step: str, started: float) -> None:
        self.timings[step] = round(self.timings.get(step, 0) + time.perf_counter() - started, 4)

    def batches(self, positions: np.ndarray) -> Iterator[list[dict]]:
        """Canonical rows for `positions`, built a block at a time, split by rows and bytes;
        the next chunk is built while the portal handles the current one."""
        return prefetched(self._batches(positions))

    def _batches(self, positions: np.ndarray) -> Iterator[list[dict]]:
        for start in range(0, len(positions), self.chunk_rows):
            block = rows_of(self.frame, positions[start : start + self.chunk_rows])
            rows = canonical_rows(block, self.spec, self.coordinates)
            yield from chunks(
                rows, max_rows=self.chunk_rows, max_bytes=self.chunk_bytes, size_of=payload_size
            )


_END = object()


def prefetched(items: Iterator[list[dict]], ahead: int = 1) -> Iterator[list[dict]]:
    """`items`, produced by a helper thread up to `ahead` chunks in advance.

    A chunk's rows are built in Python (seconds for 10,000 rows) while the previous chunk waits
    on the portal (network I/O, which frees the GIL), so the two overlap: on a real CKAN
    DataStore this is the difference between the adapter and the bare client (bench B11).
    An error while building is raised here, in order; when the consumer stops early (a write
    failed), the helper stops too. At most `ahead` extra chunks are held in memory."""
    queue: Queue = Queue(maxsize=ahead)
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                queue.put(entry, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_END, None))
        except BaseException as exc:  # handed to the consumer, raised there
            put((_END, exc))

    helper = threading.Thread(target=produce, name="datos-cali-chunks", daemon=True)
    helper.start()
    try:
        while True:
            item, error = queue.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()


def rows_of(frame: pd.DataFrame | TypedColumns, positions: np.ndarray) -> pd.DataFrame:
    """The rows at `positions`: a typed table's columns are built for those rows only."""
    if isinstance(frame, pd.DataFrame):
        return frame.iloc[positions]
    return frame.take(positions)


def publish(
    frame: pd.DataFrame | TypedColumns,
    spec: DatasetSpec,
    portal: Portal,
    state: PublicationState,
    *,
    asset_id: str | None = None,
    coordinates: Coordinates | None = None,
    source_sha256: str | None = None,
    now: dt.datetime | None = None,
    chunk_rows: int | None = None,
    chunk_bytes: int | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> PublishOutcome:
    """`frame` is the typed DataFrame, or a typed table's `TypedColumns`: then only the rows
    sent and the verification sample are ever built (hashes come from distinct values).

    `on_plan` is called once, before the first row is written (and may raise to stop the run
    there); an existing asset's metadata is updated before it, since that may change the plan."""
    chunk_rows = chunk_rows or _setting("DATOS_CALI_CHUNK_ROWS", CHUNK_ROWS)
    chunk_bytes = chunk_bytes or _setting("DATOS_CALI_CHUNK_BYTES", CHUNK_BYTES)
    if isinstance(frame, pd.DataFrame):
        frame = frame.reset_index(drop=True)
    job = _Job(frame, spec, portal, coordinates, chunk_rows, chunk_bytes)
    with state.writing(spec.slug):
        started = time.perf_counter()
        snapshot = Snapshot.of(job.frame, spec)
        job.timed("diff", started)
        last = state.last(spec.slug)
        asset_id = asset_id or state.asset_id(spec.slug) or (last.asset_id if last else None)
        started = time.perf_counter()
        announce = on_plan or (lambda plan: None)
        if asset_id is None or state.is_unpublished(spec.slug):
            # New, or created by a run that stopped before publishing it: load it whole.
            announce(Plan(asset_id, len(job.frame), 0, 0, len(job.frame)))
            asset_id = asset_id or _create(job, state)
            _load_new(job, asset_id)
            portal.make_public(asset_id)
            state.mark_public(spec.slug)
            previous = None
        else:
            previous = last if last and last.asset_id == asset_id else None
            # Metadata first: it is idempotent (the next run sends it again if this one dies)
            # and it is where an adapter finds the table reshaped, which changes the plan.
            portal.update_metadata(asset_id, spec)
            change, replace, plan = _planned(job, asset_id, snapshot, previous)
            announce(plan)  # the write-ahead intent, before the first row is written
            _update(job, asset_id, change, replace)
        job.timed("write", started)
        started = time.perf_counter()
        reconciled = _verify(job, asset_id, snapshot)
        job.timed("verify", started)
        state.record(
            spec.slug,
            Published(
                asset_id, now or dt.datetime.now(dt.UTC), source_sha256, len(job.frame), snapshot
            ),
        )
    written = job.written
    return PublishOutcome(
        target=portal.target,
        asset_id=asset_id,
        url=portal.dataset_url(asset_id),
        outcome=Outcome.PUBLISHED if written.rows_sent else Outcome.UNCHANGED,
        rows=len(job.frame),
        created=written.created,
        updated=written.updated,
        deleted=written.deleted,
        rows_sent=written.rows_sent,
        reconciled=reconciled,
        timings=job.timings,
    )


def _create(job: _Job, state: PublicationState) -> str:
    """Create the asset and remember its id at once, so a crash later does not create another."""
    try:
        asset_id = job.portal.create_dataset(job.spec)
    except PortalError as exc:
        if not exc.transient:
            raise
        asset_id = job.portal.find_dataset(job.spec)  # the answer was lost; did it land?
        if asset_id is None:
            raise
    state.remember_asset(job.spec.slug, asset_id)
    return asset_id


def _everything(job: _Job) -> np.ndarray:
    return np.arange(len(job.frame))


def _load_new(job: _Job, asset_id: str) -> None:
    # An adopted asset (found by name after lost state) may have other columns: replaced whole.
    if job.spec.row_identifier and not job.portal.reshaped(asset_id):
        for batch in job.batches(_everything(job)):
            job.written.add(job.portal.upsert(asset_id, job.spec, batch))
    else:
        job.written.add(
            job.portal.replace(asset_id, job.spec, job.batches(_everything(job)), published=False)
        )


def _planned(
    job: _Job, asset_id: str, snapshot: Snapshot, previous: Published | None
) -> tuple[ChangeSet | None, bool, Plan]:
    """The rows to send to an existing asset: a change set (row identifier), or whether to
    replace the whole table (none), and the `Plan` that says so in numbers."""
    rows = len(job.frame)
    if job.portal.reshaped(asset_id):  # columns changed: a whole new table, swapped in
        return None, True, Plan(asset_id, rows, 0, previous.rows if previous else 0, rows)
    if job.spec.row_identifier:
        change = changes(snapshot, previous.snapshot if previous else None)
        plan = Plan(asset_id, change.new, change.changed, len(change.delete_keys), rows)
        return change, False, plan
    if previous and previous.snapshot and snapshot.same_content(previous.snapshot):
        return None, False, Plan(asset_id, 0, 0, 0, rows)
    return None, True, Plan(asset_id, rows, 0, previous.rows if previous else 0, rows)


def _update(job: _Job, asset_id: str, change: ChangeSet | None, replace: bool) -> None:
    if change is not None:
        _apply(job, asset_id, change)
    elif replace:
        job.written.add(
            job.portal.replace(asset_id, job.spec, job.batches(_everything(job)), published=True)
        )


def _apply(job: _Job, asset_id: str, change: ChangeSet) -> None:
    for start in range(0, len(change.delete_keys), job.chunk_rows):
        keys = change.delete_keys[start : start + job.chunk_rows]
        job.written.add(job.portal.delete(asset_id, job.spec, keys))
    for batch in job.batches(change.upsert_positions):
        job.written.add(job.portal.upsert(asset_id, job.spec, batch))


def _verify(job: _Job, asset_id: str, snapshot: Snapshot) -> bool:
    """Count and sample; on a count mismatch reconcile keys once, then check again."""
    expected = len(job.frame)
    reconciled = False
    if job.portal.count(asset_id) != expected:
        if not job.spec.row_identifier:
            job.written.add(
                job.portal.replace(
                    asset_id, job.spec, job.batches(_everything(job)), published=True
                )
            )
        else:
            _reconcile(job, asset_id, snapshot)
        reconciled = True
        actual = job.portal.count(asset_id)
        if actual != expected:
            raise VerificationError(ERR_COUNT.format(actual=actual, expected=expected))
    _compare_sample(job, asset_id, snapshot)
    return reconciled


def _reconcile(job: _Job, asset_id: str, snapshot: Snapshot) -> None:
    on_portal = pd.Index(job.portal.keys(asset_id, job.spec), dtype=object)
    source = pd.Index(snapshot.keys, dtype=object)
    extra = [str(k) for k in on_portal[~on_portal.isin(source)]]
    missing = np.flatnonzero(~source.isin(on_portal))
    _apply(job, asset_id, ChangeSet(missing, extra, new=len(missing), changed=0))


def _compare_sample(job: _Job, asset_id: str, snapshot: Snapshot) -> None:
    n = len(job.frame)
    if n == 0:
        return
    rng = np.random.default_rng(n)
    fields = job.spec.fields
    if job.spec.row_identifier:
        positions = np.unique(rng.choice(n, size=min(SAMPLE, n), replace=False))
        sample = rows_of(job.frame, positions)
        expected = canonical_rows(sample, job.spec, job.coordinates)
        keys = [str(k) for k in row_keys(sample, job.spec.row_identifier)]
        found = {
            str(row[job.spec.row_identifier]): row
            for row in job.portal.rows_by_key(asset_id, job.spec, keys)
        }
        pairs = [(row, found.get(key, {})) for row, key in zip(expected, keys, strict=True)]
    else:
        start = int(rng.integers(0, max(1, n - SAMPLE)))
        block = rows_of(job.frame, np.arange(start, min(start + SAMPLE, n)))
        expected = canonical_rows(block, job.spec, job.coordinates)
        pairs = list(
            zip(expected, job.portal.rows_page(asset_id, job.spec, start, SAMPLE), strict=False)
        )
    bad = [differences(want, got, fields) for want, got in pairs]
    bad = [d for d in bad if d]
    if bad or len(pairs) < min(SAMPLE, n):
        columns = sorted({f for d in bad for f in d}) or ["(filas faltantes)"]
        raise VerificationError(
            ERR_SAMPLE.format(count=max(len(bad), 1), fields=", ".join(columns))
        )
