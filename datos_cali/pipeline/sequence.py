"""THE run of one dataset: the order of the steps and what stops a run early. Written once.

    prepare → recover → ingest ─┬─ nothing new / source failed ──────────────→ finish
                                ├─ rejected (contract, personal data) ────────→ finish
                                └─ check (Great Expectations, if enabled)
                                   write access: may every target be written? ─ no → finish
                                   deliver to every target of the catalog ───────→ finish

How each step is executed is a `Steps` object's business: `DirectSteps` calls the functions of
`datos_cali.pipeline.steps` in this process (the library, tests, a sweep's per-dataset task);
the Prefect flow `publish_dataset` passes steps that run each as a task, with retries where a
failure is transient and the portal-write concurrency limit around deliveries. Either way this
function decides the order, so `datos-cali run SLUG`, a sweep and the scheduled deployment all
run the same sequence. Each step is announced as an event (`step`), which the tests record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from datos_cali import events
from datos_cali.catalog import Catalog
from datos_cali.ledger import Ledger
from datos_cali.pipeline import steps
from datos_cali.pipeline.steps import DatasetRun, Job, LastPublication, Submission, TargetReport
from datos_cali.portals.session import PortalSession
from datos_cali.settings import Paths
from datos_cali.sources import NothingNew, SourceError

Pending = Callable[[], dict]  # a started check: call it to wait for its summary


class Steps(Protocol):
    """How each step of the sequence is executed."""

    ledger: Ledger

    def recover(self, job: Job) -> int: ...

    def ingest(self, job: Job, last: LastPublication | None) -> Submission: ...

    def check(self, job: Job, submission: Submission) -> Pending: ...

    def write_access(self, job: Job, targets: list[str]) -> list[TargetReport]: ...

    def deliver(
        self, job: Job, submission: Submission, targets: list[str]
    ) -> list[TargetReport]: ...

    def finish(self, job: Job, run: DatasetRun, submission: Submission | None) -> DatasetRun: ...


def run_sequence(job: Job, how: Steps) -> DatasetRun:
    """Run one dataset's steps in order with `how`; returns the recorded run."""
    _announce(job, "recover")
    how.recover(job)
    _announce(job, "ingest")
    try:
        submission = how.ingest(job, steps.last_publication(how.ledger, job.slug))
    except (NothingNew, SourceError) as exc:
        _announce(job, "finish")
        return how.finish(job, steps.nothing_to_publish(job, exc), None)
    if submission.rejected:
        _announce(job, "finish")
        return how.finish(job, steps.rejected(job, submission), submission)
    pending = None
    if steps.gx_enabled():
        _announce(job, "check")
        pending = how.check(job, submission)
    _announce(job, "deliver")
    targets = [t.portal for t in job.dataset.targets]
    results = how.write_access(job, targets) or how.deliver(job, submission, targets)
    run = steps.summarize(job, submission, results)
    if pending is not None:
        try:
            run.expectations = pending()
        except Exception as exc:  # the auditors' extra view must not undo a good publication
            run.expectations = {"error": type(exc).__name__}
    _announce(job, "finish")
    return how.finish(job, run, submission)


def _announce(job: Job, step: str) -> None:
    events.emit("step", slug=job.slug, run_id=job.run_id, step=step)


class DirectSteps:
    """Every step called in this process, one after the other."""

    def __init__(self, session: PortalSession, ledger: Ledger, flow_run_id: str | None = None):
        self.session = session
        self.ledger = ledger
        self.flow_run_id = flow_run_id  # when a flow runs this sequence inside one of its tasks

    def recover(self, job: Job) -> int:
        return steps.recover(job, self.session, self.ledger)

    def ingest(self, job: Job, last: LastPublication | None) -> Submission:
        return steps.ingest(job, last)

    def check(self, job: Job, submission: Submission) -> Pending:
        summary = steps.check(job, submission)
        return lambda: summary

    def write_access(self, job: Job, targets: list[str]) -> list[TargetReport]:
        return steps.write_access(job, targets, self.session)

    def deliver(self, job: Job, submission: Submission, targets: list[str]) -> list[TargetReport]:
        return [
            steps.deliver(job, submission, target, self.session, self.ledger, self.flow_run_id)
            for target in targets
        ]

    def finish(self, job: Job, run: DatasetRun, submission: Submission | None) -> DatasetRun:
        return steps.finish(job, run, submission, ledger=self.ledger, flow_run_id=self.flow_run_id)


def run_dataset(
    slug: str,
    session: PortalSession,
    ledger: Ledger,
    *,
    catalog: Catalog | None = None,
    where: Paths | None = None,
    flow_run_id: str | None = None,
    allow_older: bool = False,
) -> DatasetRun:
    """The whole run of one dataset in this process, without Prefect (`allow_older`: the
    office's override to publish a file older than the last published one)."""
    job = steps.prepare(slug, catalog=catalog, where=where, allow_older=allow_older)
    return run_sequence(job, DirectSteps(session, ledger, flow_run_id))
