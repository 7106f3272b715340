"""Prefect flows that publish datasets: the library's run sequence, with steps as tasks.

    publish_dataset(slug)   one dataset: `datos_cali.pipeline.run_sequence`, each step a task
    publish_many(slugs)     several datasets concurrently (one task each, same sequence inside)
    publish_due()           every dataset whose declared frequency says an update is due

Retries only where failure is transient (network, portal throttling); a contract failure is
final. Writes to portals hold a slot of the global concurrency limit `datos-cali-portal-writes`.
"""

from __future__ import annotations

import datetime as dt
import threading

from prefect import flow, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from datos_cali import auditsite, events
from datos_cali.catalog import load_catalog
from datos_cali.compliance.history import last_successes, load_history
from datos_cali.outcomes import Outcome
from datos_cali.pipeline import (
    DatasetRun,
    DirectSteps,
    Job,
    LastPublication,
    Submission,
    TargetReport,
    prepare,
    run_sequence,
)
from datos_cali.pipeline import steps as library
from datos_cali.pipeline.sequence import Pending
from datos_cali.schedule import due
from datos_cali.settings import paths
from datos_cali.sources import SourceError
from datos_cali_flows import common
from datos_cali_flows.reporting import findings_table, summary_markdown, sweep_table


@task(name="ingerir", **common.RETRY_TRANSIENT, cache_policy=NO_CACHE)
def ingest_task(job: Job, last: LastPublication | None) -> Submission:
    try:
        return library.ingest(job, last)
    except SourceError as exc:
        if exc.transient:
            raise common.TransientFailure(exc) from exc
        raise


@task(name="expectativas", cache_policy=NO_CACHE)
def check_task(job: Job, submission: Submission) -> dict:
    return library.check(job, submission)


@task(name="publicar-en-portal", **common.RETRY_TRANSIENT, cache_policy=NO_CACHE)
def deliver_task(job: Job, submission: Submission, target: str) -> TargetReport:
    with concurrency(common.PORTAL_WRITES, occupy=1, lease_duration=common.SLOT_LEASE_SECONDS):
        result = library.deliver(
            job,
            submission,
            target,
            common.portal_session(),
            common.ledger(),
            common.flow_run_id(),
        )
    if result.outcome == Outcome.FAILED and result.transient:
        raise common.TransientFailure(result)
    return result


@task(name="registrar", cache_policy=NO_CACHE)
def finish_task(job: Job, run: DatasetRun, submission: Submission | None) -> DatasetRun:
    run = library.finish(
        job, run, submission, ledger=common.ledger(), flow_run_id=common.flow_run_id()
    )
    _artifacts(job, run, submission)
    return run


class TaskSteps:
    """The sequence's steps as Prefect tasks: retries where a failure is transient, the portal
    writes under the global limit, the Great Expectations check beside the deliveries."""

    @property
    def ledger(self):
        return common.ledger()

    def recover(self, job: Job) -> int:
        """Plain call, not a task: one indexed query in the common case."""
        return library.recover(job, common.portal_session(), common.ledger())

    def ingest(self, job: Job, last: LastPublication | None) -> Submission:
        state = ingest_task(job, last, return_state=True)
        try:
            return state.result()
        except common.TransientFailure as exc:  # retries ran out: the source's own error
            raise exc.result from None

    def check(self, job: Job, submission: Submission) -> Pending:
        future = check_task.submit(job, submission)
        return future.result

    def write_access(self, job: Job, targets: list[str]) -> list[TargetReport]:
        """Plain call, not a task: a read per portal, and no write to retry."""
        return library.write_access(job, targets, common.portal_session())

    def deliver(self, job: Job, submission: Submission, targets: list[str]) -> list[TargetReport]:
        futures = [deliver_task.submit(job, submission, target) for target in targets]
        results = []
        for future, target in zip(futures, targets, strict=True):
            try:
                results.append(future.result())
            except common.TransientFailure as exc:  # retries ran out: report the last attempt
                results.append(exc.result)
            except Exception as exc:
                results.append(TargetReport(target, Outcome.FAILED, error=str(exc)))
        return results

    def finish(self, job: Job, run: DatasetRun, submission: Submission | None) -> DatasetRun:
        return finish_task(job, run, submission)


def _artifacts(job: Job, run: DatasetRun, submission: Submission | None) -> None:
    key = job.slug.replace("_", "-")
    create_markdown_artifact(
        summary_markdown(job, run, submission),
        key=f"resumen-{key}",
        description="Resumen de la ejecución",
    )
    if submission is not None and submission.result.findings:
        create_table_artifact(
            findings_table(submission.result.findings),
            key=f"hallazgos-{key}",
            description="Hallazgos (sin datos personales)",
        )
    site = paths().reports / "site" / "conjuntos" / f"{job.slug}.html"
    create_link_artifact(
        site.as_uri(), link_text="Página del conjunto en el sitio de informes", key=f"informe-{key}"
    )


@task(name="construir-sitio", cache_policy=NO_CACHE)
def site_task() -> str | None:
    index = auditsite.rebuild_after_runs(ledger=common.ledger())
    return str(index) if index else None


@flow(name="publicar-conjunto", flow_run_name="{slug}", log_prints=False)
def publish_dataset(slug: str, build_site: bool = True, allow_older: bool = False) -> DatasetRun:
    """Publica un conjunto de datos en cada portal de su catálogo.

    `allow_older`: la oficina autoriza publicar un archivo anterior al último publicado."""
    common.preflight()
    common.ensure_concurrency_limit_once()
    events.emit("dataset_started", slug=slug)
    run = run_sequence(prepare(slug, allow_older=allow_older), TaskSteps())
    events.emit("dataset_finished", run=run)
    if build_site:
        site_task()
    return run


@task(name="conjunto", task_run_name="{slug}", **common.RETRY_TRANSIENT, cache_policy=NO_CACHE)
def dataset_task(slug: str) -> DatasetRun:
    """One dataset of a sweep as ONE task (not a subflow): the same sequence as
    `publish_dataset` with its steps called directly — a fraction of the orchestration cost —,
    retried only when transient. The portal-write slot is the sweep's (see `publish_many`)."""
    how = DirectSteps(common.portal_session(), common.ledger(), common.flow_run_id())
    with _sweep_writers:  # no more datasets at once than the sweep holds slots for
        run = run_sequence(prepare(slug), how)
    if run.transient:
        raise common.TransientFailure(run)
    return run


SWEEP_WORKERS = common.portal_write_limit()
# Set by each sweep to the slots it holds: the server's limit (the installation's setting,
# `datos-cali servidor preparar`) may be smaller than this worker's DATOS_CALI_PORTAL_WRITES.
_sweep_writers = threading.BoundedSemaphore(SWEEP_WORKERS)


@flow(name="publicar-varios", task_runner=ThreadPoolTaskRunner(max_workers=SWEEP_WORKERS))
def publish_many(slugs: list[str]) -> list[DatasetRun]:
    """Publica varios conjuntos a la vez, con un límite global de escrituras en los portales.

    The sweep takes the portal-write slots its worker threads can use once, for its whole
    duration: one acquire and one release instead of one pair per dataset (each pair is a few
    API round trips, ~0.5 s on these machines, which made a 500-dataset sweep 4× slower).
    A single-dataset run started meanwhile waits for a free slot, as the limit intends. The
    slots are leased (`common.SLOT_LEASE_SECONDS`): a sweep whose host dies gives them back.
    """
    global _sweep_writers
    common.preflight()
    limit = common.ensure_concurrency_limit()  # read each sweep: the operator may resize it
    if not slugs:
        return []
    width = min(SWEEP_WORKERS, len(slugs), limit)  # asking for more than the limit is a 422
    _sweep_writers = threading.BoundedSemaphore(width)
    with concurrency(common.PORTAL_WRITES, occupy=width, lease_duration=common.SLOT_LEASE_SECONDS):
        runs = _sweep(slugs)
    create_table_artifact(
        sweep_table(runs), key="barrido", description="Resultado de cada conjunto del barrido"
    )
    site_task()
    return sorted(runs, key=lambda r: r.slug)


def _sweep(slugs: list[str]) -> list[DatasetRun]:
    futures = {future: slug for future, slug in zip(dataset_task.map(slugs), slugs, strict=True)}
    runs = []
    for future in as_completed(list(futures)):
        try:
            run = future.result()
        except common.TransientFailure as exc:  # retries ran out: report the last attempt
            run = exc.result
        except Exception as exc:
            job = prepare(futures[future])
            run = library.summarize(job, None, [], outcome=Outcome.FAILED, message=str(exc))
        events.emit("dataset_finished", run=run)
        runs.append(run)
    return runs


@flow(name="publicar-pendientes")
def publish_due(now: dt.datetime | None = None) -> list[DatasetRun]:
    """Publica los conjuntos cuya frecuencia declarada indica que ya toca actualizarlos."""
    common.preflight()
    catalog = load_catalog(paths().catalog)
    moment = now or dt.datetime.now(dt.UTC)
    last = last_successes(load_history(common.ledger()))
    slugs = due(catalog.datasets.values(), last, moment)
    return publish_many(slugs) if slugs else []
