"""Prefect flows that publish datasets: thin wrappers over `datos_cali.pipeline`.

    publish_dataset(slug)   pull → archive → read/validate/quality → publish each target → record
    publish_many(slugs)     several datasets concurrently (one task each)
    publish_due()           every dataset whose declared frequency says an update is due

Retries only where failure is transient (network, portal throttling); a contract failure is
final. Writes to portals hold a slot of the global concurrency limit `datos-cali-portal-writes`.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency
from prefect.context import get_run_context
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from datos_cali import events, pipeline
from datos_cali.catalog import load_catalog
from datos_cali.catalog.models import Portal as Target
from datos_cali.schedule import due, last_successes
from datos_cali.settings import paths
from datos_cali.sources import NothingNew, SourceError
from flows import common
from flows.reporting import findings_table, summary_markdown, sweep_table


@task(
    name="ingerir",
    **common.RETRY_TRANSIENT,
    cache_policy=NO_CACHE,
)
def ingest_task(job: pipeline.Job, last) -> pipeline.Submission:
    try:
        return pipeline.ingest(job, last)
    except SourceError as exc:
        if exc.transient:
            raise common.TransientFailure(exc) from exc
        raise


@task(name="expectativas", cache_policy=NO_CACHE)
def expectations_task(job: pipeline.Job, submission: pipeline.Submission) -> dict:
    return pipeline.expectations(job, submission)


@task(
    name="publicar-en-portal",
    **common.RETRY_TRANSIENT,
    cache_policy=NO_CACHE,
)
def deliver_task(
    job: pipeline.Job, submission: pipeline.Submission, target: Target
) -> pipeline.TargetResult:
    with concurrency(common.PORTAL_WRITES, occupy=1):
        result = pipeline.deliver(job, submission, target, common.portal_session())
    if result.outcome == pipeline.FAILED and result.transient:
        raise common.TransientFailure(result)
    return result


def _flow_run_id() -> str | None:
    try:
        return str(get_run_context().flow_run.id)
    except Exception:
        return None


def _artifacts(job: pipeline.Job, run: pipeline.DatasetRun, submission) -> None:
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


def _finish(job, run, submission):
    run = pipeline.finish(job, run, submission, ledger=common.ledger(), flow_run_id=_flow_run_id())
    _artifacts(job, run, submission)
    events.emit("dataset_finished", run=run)
    return run


@task(name="construir-sitio", cache_policy=NO_CACHE)
def site_task() -> str | None:
    index = pipeline.build_report_site(ledger=common.ledger())
    return str(index) if index else None


@flow(name="publicar-conjunto", flow_run_name="{slug}", log_prints=False)
def publish_dataset(slug: str, build_site: bool = True) -> pipeline.DatasetRun:
    """Publica un conjunto de datos en cada portal de su catálogo."""
    run = _publish_dataset(slug)
    if build_site:
        site_task()
    return run


def _publish_dataset(slug: str) -> pipeline.DatasetRun:
    job = pipeline.new_job(slug)
    common.ensure_concurrency_limit_once()
    events.emit("dataset_started", slug=slug)
    state = ingest_task(job, pipeline.last_publication(common.ledger(), slug), return_state=True)
    try:
        submission = state.result()
    except common.TransientFailure as exc:  # retries ran out: the source's own error
        return _finish(job, pipeline.stopped_early(job, error=exc.result), None)
    except (NothingNew, SourceError) as exc:
        return _finish(job, pipeline.stopped_early(job, error=exc), None)
    if (early := pipeline.stopped_early(job, submission=submission)) is not None:
        return _finish(job, early, submission)
    checked = expectations_task.submit(job, submission) if pipeline.gx_enabled() else None
    futures = [deliver_task.submit(job, submission, t.portal) for t in job.dataset.targets]
    results = []
    for future, target in zip(futures, job.dataset.targets, strict=True):
        try:
            results.append(future.result())
        except common.TransientFailure as exc:
            results.append(exc.result)
        except Exception as exc:
            results.append(
                pipeline.TargetResult(target.portal.value, pipeline.FAILED, error=str(exc))
            )
    run = pipeline.summarize(job, submission, results)
    if checked is not None:
        try:
            run.expectations = checked.result()
        except Exception as exc:  # the auditors' extra view must not undo a good publication
            run.expectations = {"error": type(exc).__name__}
    return _finish(job, run, submission)


@task(
    name="conjunto",
    task_run_name="{slug}",
    **common.RETRY_TRANSIENT,
    cache_policy=NO_CACHE,
)
def _dataset_task(slug: str) -> pipeline.DatasetRun:
    """One dataset of a sweep as ONE task (not a subflow): the same library steps as
    `publish_dataset`, a fraction of the orchestration cost, retried only when transient.
    The portal-write slot is the sweep's (see `publish_many`)."""
    run = pipeline.run_dataset(
        slug,
        common.portal_session(),
        common.ledger(),
        expectations_step=pipeline.gx_enabled(),
    )
    if run.transient:
        raise common.TransientFailure(run)
    return run


SWEEP_WORKERS = common.portal_write_limit()


@flow(name="publicar-varios", task_runner=ThreadPoolTaskRunner(max_workers=SWEEP_WORKERS))
def publish_many(slugs: list[str]) -> list[pipeline.DatasetRun]:
    """Publica varios conjuntos a la vez, con un límite global de escrituras en los portales.

    The sweep takes the portal-write slots its worker threads can use once, for its whole
    duration: one acquire and one release instead of one pair per dataset (each pair is a few
    API round trips, ~0.5 s on these machines, which made a 500-dataset sweep 4× slower).
    A single-dataset run started meanwhile waits for a free slot, as the limit intends.
    """
    common.ensure_concurrency_limit_once()
    if not slugs:
        return []
    width = min(SWEEP_WORKERS, len(slugs))
    with concurrency(common.PORTAL_WRITES, occupy=width):
        runs = _sweep(slugs)
    create_table_artifact(
        sweep_table(runs), key="barrido", description="Resultado de cada conjunto del barrido"
    )
    site_task()
    return sorted(runs, key=lambda r: r.slug)


def _sweep(slugs: list[str]) -> list[pipeline.DatasetRun]:
    futures = {future: slug for future, slug in zip(_dataset_task.map(slugs), slugs, strict=True)}
    runs = []
    for future in as_completed(list(futures)):
        try:
            run = future.result()
        except common.TransientFailure as exc:  # retries ran out: report the last attempt
            run = exc.result
        except Exception as exc:
            job = pipeline.new_job(futures[future])
            run = pipeline.summarize(job, None, [], outcome=pipeline.FAILED, message=str(exc))
        events.emit("dataset_finished", run=run)
        runs.append(run)
    return runs


@flow(name="publicar-pendientes")
def publish_due(now: dt.datetime | None = None) -> list[pipeline.DatasetRun]:
    """Publica los conjuntos cuya frecuencia declarada indica que ya toca actualizarlos."""
    catalog = load_catalog(paths().catalog)
    moment = now or dt.datetime.now(dt.UTC)
    last = last_successes(common.ledger())
    slugs = due(catalog.datasets.values(), last, moment)
    return publish_many(slugs) if slugs else []
