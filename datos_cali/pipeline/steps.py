"""The steps of one dataset's run, as plain functions with typed inputs and outputs.

    prepare       the dataset's catalog entry, contract and portal spec → a `Job`
    recover       what the portals received from earlier runs that died before their ledger rows
    ingest        pull the submission → archive its bytes (before anything else) → read → analyse
    check         the Great Expectations suite generated from the contract (auditors' view)
    write_access  may every target be written with this run's credentials? Else none is
    deliver       publish to one target (only what changed; verified)
    finish        the JSON report, one ledger row per target, and tell the source how it ended

The order they run in, and what stops a run early, is `datos_cali.pipeline.sequence`: these
functions never call each other, so the flows can run each one as a Prefect task.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from datos_cali import archive, explain
from datos_cali.catalog import Catalog, Dataset, load_catalog
from datos_cali.catalog.models import Organismo
from datos_cali.contracts import Contract, load_contract
from datos_cali.ledger import Ledger
from datos_cali.outcomes import NO_TARGET, PUBLISHED_OUTCOMES, Outcome
from datos_cali.outcomes import overall as overall_outcome
from datos_cali.pipeline import recovery
from datos_cali.portals.base import DatasetSpec, Portal, PortalError
from datos_cali.portals.engine import Plan, publish
from datos_cali.portals.registry import UnknownName
from datos_cali.portals.session import PortalSession
from datos_cali.portals.spec import build_spec
from datos_cali.portals.state import DatasetBusy, PublicationState
from datos_cali.precheck import PrecheckResult, precheck
from datos_cali.runmode import ModeError
from datos_cali.runreport import RunReport, SourceInfo, TargetReport
from datos_cali.settings import OFFICE_ZONE, Paths, paths
from datos_cali.sources import (
    NothingNew,
    OlderThanPublished,
    Pulled,
    SourceError,
    Unrecognised,
    pull,
)

NOT_PUBLISHABLE = "El archivo no cumple el contrato o los criterios de calidad."
ROWS_LINE = ("Fila del archivo", "Filas del archivo")
EXAMPLES = 5  # rows and values kept per failed expectation
MISSING = ("None", "<NA>", "nan", "NaT")
FIRST_ROWS = " (las primeras)"
UNEXPECTED = "Error inesperado ({kind}); el detalle técnico quedó en el registro de la ejecución."
WITHHELD = (
    "No se escribió en este portal porque {refused} no permite escribir con las credenciales de "
    "esta ejecución (vea su mensaje): un conjunto no se publica en un portal sí y en otro no. "
    "Corrija las credenciales y vuelva a ejecutar."
)
OLDER_THAN_PUBLISHED = (
    "El archivo «{name}» (modificado el {when}) es anterior al último publicado de «{slug}» "
    "(modificado el {then}): no se publicó, para no reemplazar datos más recientes. Si la "
    "oficina decide publicarlo de todos modos: datos-cali run {slug} --permitir-anterior"
)
REJECTED_TEXT = (
    "Informe de revisión de «{title}» ({slug})\n"
    "Archivo: {file}\nSHA-256: {sha}\nFecha: {when} (hora de Colombia)\n\n"
    "El archivo NO se publicó ({cause}). Corrija lo siguiente y vuelva a enviarlo:\n\n{lines}\n"
)


@dataclass
class Job:
    """What the steps of one dataset's run share."""

    slug: str
    run_id: str
    paths: Paths
    dataset: Dataset
    contract: Contract
    organismo: Organismo | None
    spec: DatasetSpec
    started_at: dt.datetime
    timings: dict[str, float] = field(default_factory=dict)
    allow_older: bool = False  # the office's override: publish a file older than the last one


@dataclass(frozen=True)
class LastPublication:
    """The dataset's last confirmed publication on any portal."""

    sha256: str | None
    at: dt.datetime
    run_id: str | None = None


@dataclass
class Submission:
    pulled: Pulled
    sha256: str
    size: int
    result: PrecheckResult

    @property
    def rejected(self) -> bool:
        return not self.result.publishable


@dataclass
class DatasetRun:
    slug: str
    run_id: str
    outcome: Outcome
    rows: int | None = None
    errors: int = 0
    warnings: int = 0
    targets: list[TargetReport] = field(default_factory=list)
    message: str | None = None
    report_path: str | None = None
    source_sha256: str | None = None
    expectations: dict | None = None  # the Great Expectations summary, when it ran
    source_transient: bool = False  # the source failed in a way a retry may fix
    organismo: str | None = None
    cause: str | None = None  # why it was rejected, in a few words (`datos_cali.explain`)

    @property
    def transient(self) -> bool:
        """Failed for a reason a retry may fix (network, throttling), not the data's fault."""
        return self.outcome == Outcome.FAILED and (
            self.source_transient
            or any(t.transient for t in self.targets if t.outcome == Outcome.FAILED)
        )


def gx_enabled() -> bool:
    """Great Expectations Data Docs for auditors; `DATOS_CALI_GX=0` skips them (big sweeps)."""
    return os.environ.get("DATOS_CALI_GX", "1") != "0"


@contextmanager
def _timed(job: Job, step: str):
    """Add the block's seconds to the job's timing of `step` (reported per run)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        job.timings[step] = round(job.timings.get(step, 0) + time.perf_counter() - started, 4)


# --- prepare ----------------------------------------------------------------------------------


def prepare(
    slug: str,
    *,
    catalog: Catalog | None = None,
    where: Paths | None = None,
    run_id: str | None = None,
    allow_older: bool = False,
) -> Job:
    where = where or paths()
    catalog = catalog or load_catalog(where.catalog)
    dataset = catalog.datasets[slug]
    contract = load_contract(dataset.schema_name, where.schemas)
    organismo = catalog.organismo_of(dataset)
    return Job(
        slug=slug,
        run_id=run_id or str(uuid.uuid4()),
        paths=where,
        dataset=dataset,
        contract=contract,
        organismo=organismo,
        spec=build_spec(dataset, contract, organismo),
        started_at=dt.datetime.now(dt.UTC),
        allow_older=allow_older,
    )


def last_publication(ledger: Ledger, slug: str) -> LastPublication | None:
    """The dataset's last publication on any portal, from the ledger."""
    found = ledger.runs(dataset=slug, outcome=PUBLISHED_OUTCOMES, limit=1)
    if not found:
        return None
    return LastPublication(found[0].source_sha256, found[0].finished_at, found[0].run_id)


# --- recover ----------------------------------------------------------------------------------


def recover(job: Job, session: PortalSession, ledger: Ledger) -> int:
    """Before anything else: record what the portals received from earlier runs of this
    dataset that died between their portal writes and their ledger rows (`recovery`). Returns
    the rows recorded; a portal that cannot be read now is left for a later run."""
    recorded = 0
    for target in [t.portal for t in job.dataset.targets]:
        if not ledger.unfinished_intents(job.slug, target):
            continue  # the common case: one indexed query, no portal opened
        try:
            portal = session.open(target)
        except Exception:  # deliver reports this portal's problem, in its own words
            continue
        try:
            state = PublicationState(job.paths.state, portal.key)
            recorded += len(
                recovery.recover(
                    job.slug, target, portal, state, ledger, root=job.paths.state, by=job.run_id
                )
            )
        except (PortalError, DatasetBusy):
            continue
        finally:
            portal.close()
    return recorded


# --- ingest -----------------------------------------------------------------------------------


def ingest(job: Job, last: LastPublication | None = None) -> Submission:
    """Raises `NothingNew` when no submission waits, `SourceError` when the source fails.

    `last` is the previous publication: when these bytes differ from it, this run is the
    update, so the data is as fresh as now for the Actualidad criterion. A file older than the
    one last published (by its own modification time) is archived but not taken
    (`OlderThanPublished`) unless the job carries the office's override.
    """
    with _timed(job, "pull"):
        pulled = pull(job.dataset, job.paths)
    with _timed(job, "archive"):
        archived = archive.archive_file(
            pulled.path,
            origin={
                "dataset": job.slug,
                "organismo": job.dataset.organismo,
                "source_kind": pulled.kind,
                "source_uri": pulled.uri,
                "file_name": pulled.file_name,
                "run_id": job.run_id,
                "arrived_at": pulled.received_at,
                "modified_at": pulled.modified_at,
            },
        )
        pulled.cleanup()
    if last is not None and not job.allow_older:
        _refuse_older(job, pulled, last)
    changed = last is None or last.sha256 != archived.sha256
    with _timed(job, "analyse"):
        result = precheck(
            archived.path,
            job.dataset,
            job.contract,
            organismo=job.organismo,
            last_updated=job.started_at if changed else last.at,
            name=pulled.file_name,
        )
    return Submission(pulled, archived.sha256, archived.size, result)


def _refuse_older(job: Job, pulled: Pulled, last: LastPublication) -> None:
    """Raise `OlderThanPublished` when the file was modified before the last published one."""
    if pulled.modified_at is None or last.sha256 is None:
        return
    sent = [
        o
        for o in archive.origins(last.sha256)
        if o.get("dataset") == job.slug and o.get("modified_at") is not None
    ]
    published = [o for o in sent if o.get("run_id") == last.run_id] or sent
    if not published:
        return
    before = max(float(o["modified_at"]) for o in published)
    if pulled.modified_at < before:
        raise OlderThanPublished(
            OLDER_THAN_PUBLISHED.format(
                name=pulled.file_name,
                slug=job.slug,
                when=_office_time(pulled.modified_at),
                then=_office_time(before),
            )
        )


def _office_time(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, OFFICE_ZONE).strftime("%Y-%m-%d %H:%M")


# --- check ------------------------------------------------------------------------------------


def check(job: Job, submission: Submission) -> dict:
    """Run the Great Expectations suite generated from the contract; keep its Data Docs."""
    # Imported here: Great Expectations takes seconds to import and only the flows use it.
    from datos_cali.quality.expectations import run_expectations

    analysis = submission.result.analysis
    docs = job.paths.reports / "gx" / job.slug
    with _timed(job, "expectations"):
        report = run_expectations(
            submission.result.typed.frame,
            job.contract,
            job.dataset,
            docs,
            row_numbers=submission.result.typed.row_numbers,
            hidden_columns=analysis.masker.columns if analysis else frozenset(),
        )
    summary = report.summary()
    # Where the Data Docs are, relative to the reports folder: no server path in a report.
    summary["docs_index"] = f"gx/{job.slug}/index.html"
    summary["results"] = [_expectation(job, submission, r) for r in report.results]
    return summary


def _expectation(job: Job, submission: Submission, result: dict) -> dict:
    """One expectation's outcome for the auditors' page: counts, the first rows that failed and
    their values as the masker shows them (a personal value never leaves)."""
    rows = list(result.get("unexpected_index") or [])[:EXAMPLES]
    return {
        "type": result["type"],
        "column": result["column"],
        "success": result["success"],
        "unexpected_count": result["unexpected_count"],
        "rows": [str(row) for row in rows],
        "examples": _examples(job, submission, result["column"], rows),
    }


def _examples(job: Job, submission: Submission, column: str, rows: list) -> list[str]:
    typed = submission.result.typed
    analysis = submission.result.analysis
    if not rows or column not in typed.frame.columns or analysis is None:
        return []
    key = job.dataset.row_identifier
    if key and key in typed.frame.columns:
        found = typed.frame[key].astype(str).isin([str(r) for r in rows]).to_numpy()
        positions = [int(i) for i in found.nonzero()[0]]
    else:
        wanted = {int(r) for r in rows if str(r).isdigit()}
        positions = [i for i, n in enumerate(typed.row_numbers) if int(n) in wanted]
    values = typed.frame[column].iloc[positions[:EXAMPLES]]
    return ["—" if str(value) in MISSING else analysis.masker(column, value) for value in values]


# --- write access -----------------------------------------------------------------------------


def write_access(job: Job, targets: list[str], session: PortalSession) -> list[TargetReport]:
    """Before the first write to any portal, each target says whether this run's credentials
    may write there. When one refuses (or has none), no target is written: the dataset is
    never left published on one portal and not on the other. Returns every target's failed
    result then, else [] (go on and deliver). A lone target needs no asking: its refusal comes
    with its first request, before anything is written."""
    if len(targets) < 2:
        return []
    answers = {target: _write_access(job, target, session) for target in targets}
    refused = [target for target, (_, refusal) in answers.items() if refusal]
    if not refused:
        return []
    withheld = WITHHELD.format(refused=", ".join(refused))
    return [
        TargetReport(target, Outcome.FAILED, portal=key, error=refusal or withheld)
        for target, (key, refusal) in answers.items()
    ]


def _write_access(job: Job, target: str, session: PortalSession) -> tuple[str | None, str | None]:
    """(the portal instance, why it refuses) — None when it may be written, or cannot tell."""
    portal, failure = _open(session, target)
    if portal is None:
        return None, failure
    try:
        state = PublicationState(job.paths.state, portal.key)
        asset_id = _configured_asset(job, target) or state.known_asset(job.slug)
        portal.check_write_access(asset_id, job.spec)
    except PortalError as exc:
        refused = not exc.transient and exc.status in (401, 403)
        return portal.key, str(exc) if refused else None  # other failures: deliver reports
    finally:
        portal.close()
    return portal.key, None


def _open(session: PortalSession, target: str) -> tuple[Portal | None, str | None]:
    """The target's adapter, or why it cannot be opened (in Spanish): the same answer for the
    write-access question and for the delivery."""
    try:
        return session.open(target), None
    except (UnknownName, ModeError) as exc:  # unknown portal; production without credentials
        return None, str(exc)
    except Exception as exc:  # a misconfigured adapter fails this target only
        return None, UNEXPECTED.format(kind=type(exc).__name__)


def _configured_asset(job: Job, target: str) -> str | None:
    """The asset the catalog names for this target, if it names one."""
    return next((t.asset_id for t in job.dataset.targets if t.portal == target), None)


# --- deliver ----------------------------------------------------------------------------------


def deliver(
    job: Job,
    submission: Submission,
    target: str,
    session: PortalSession,
    ledger: Ledger | None = None,
    flow_run_id: str | None = None,
) -> TargetReport:
    """Publish to one target; failures become a `failed` result instead of an exception.

    With `ledger`, this run's intent is written ahead of its first portal write (`recovery`)."""
    started = time.perf_counter()
    portal, failure = _open(session, target)
    if portal is None:
        return TargetReport(target, Outcome.FAILED, error=failure)
    configured = _configured_asset(job, target)
    state = PublicationState(job.paths.state, portal.key)

    def write_ahead(plan: Plan) -> None:
        if ledger is None:
            return
        recovery.hold(job.paths.state, job.run_id)
        ledger.record_intent(
            recovery.intent_row(job, submission, target, portal.key, plan, flow_run_id)
        )
        recovery.pause_point("after-intent")

    try:
        outcome = publish(
            submission.result.typed.columns,  # lazy: only the rows sent are ever built
            job.spec,
            portal,
            state,
            asset_id=configured,
            coordinates=job.dataset.coordinates,
            source_sha256=submission.sha256,
            on_plan=write_ahead,
        )
        result = TargetReport(
            target=target,
            portal=portal.key,
            outcome=outcome.outcome,
            asset_id=outcome.asset_id,
            url=outcome.url,
            created=outcome.created,
            updated=outcome.updated,
            deleted=outcome.deleted,
            rows_sent=outcome.rows_sent,
            timings=outcome.timings,
        )
    except PortalError as exc:
        result = TargetReport(target, Outcome.FAILED, error=str(exc), transient=exc.transient)
    except DatasetBusy as exc:
        result = TargetReport(target, Outcome.FAILED, error=str(exc), transient=True)
    except Exception as exc:  # a bug must not hide the other target's result
        result = TargetReport(
            target, Outcome.FAILED, error=UNEXPECTED.format(kind=type(exc).__name__)
        )
    finally:
        portal.close()
    result.portal = portal.key
    result.requests = portal.traffic.requests
    result.bytes_sent = portal.traffic.bytes_sent
    result.request_ids = list(portal.traffic.request_ids)
    result.timings["total"] = round(time.perf_counter() - started, 4)
    return result


# --- the run's summary ------------------------------------------------------------------------


def summarize(
    job: Job,
    submission: Submission | None,
    targets: list[TargetReport],
    *,
    outcome: Outcome | None = None,
    message: str | None = None,
) -> DatasetRun:
    result = submission.result if submission else None
    message = message or next((t.error for t in targets if t.error), None)
    note = submission.pulled.note if submission else None
    if note:  # e.g. older files of the inbox set aside: said in the run's message
        message = f"{message} {note}" if message else note
    return DatasetRun(
        slug=job.slug,
        run_id=job.run_id,
        outcome=outcome or overall_outcome({t.outcome for t in targets}),
        rows=result.rows if result else None,
        errors=len(result.errors) if result else 0,
        warnings=len(result.warnings) if result else 0,
        targets=targets,
        message=message,
        source_sha256=submission.sha256 if submission else None,
        organismo=job.dataset.organismo,
    )


def nothing_to_publish(job: Job, error: Exception) -> DatasetRun:
    """The run's summary when the source had nothing new (or only files it could not place),
    or failed."""
    if isinstance(error, Unrecognised):
        return summarize(job, None, [], outcome=Outcome.UNRECOGNISED, message=str(error))
    if isinstance(error, NothingNew):
        return summarize(job, None, [], outcome=Outcome.NO_NEW_FILE, message=str(error))
    run = summarize(job, None, [], outcome=Outcome.FAILED, message=str(error))
    run.source_transient = isinstance(error, SourceError) and error.transient
    return run


def rejected(job: Job, submission: Submission) -> DatasetRun:
    run = summarize(job, submission, [], outcome=Outcome.REJECTED, message=NOT_PUBLISHABLE)
    run.cause = rejection_cause(job, submission)
    return run


def rejection_cause(job: Job, submission: Submission) -> str | None:
    titles = {name: spec.title for name, spec in job.contract.columns.items()}
    return explain.cause(submission.result.errors, titles)


# --- finish -----------------------------------------------------------------------------------


def finish(
    job: Job,
    run: DatasetRun,
    submission: Submission | None,
    *,
    ledger: Ledger,
    flow_run_id: str | None = None,
) -> DatasetRun:
    """Report, ledger rows, and settling the source (move or annotate the inbox file).

    The ledger rows settle the run's write-ahead intents (`recovery`): its lock is released."""
    recovery.pause_point("before-ledger")
    run.report_path = str(write_report(job, run, submission))
    for row in ledger_rows(job, run, submission, flow_run_id):
        ledger.record(row)
    recovery.release(job.paths.state, job.run_id)
    if submission is not None and run.outcome != Outcome.FAILED:
        if run.outcome == Outcome.REJECTED:
            text, data = rejection_text(job, submission), submission.result.to_json()
        else:
            text, data = None, None
        submission.pulled.settle(run.outcome, text, data)
    return run


def rejection_text(job: Job, submission: Submission) -> str:
    lines = []
    for finding in submission.result.errors:
        rows = ", ".join(map(str, finding.rows[:10]))
        label = ROWS_LINE[finding.count > 1] + (
            FIRST_ROWS if finding.count > len(finding.rows) else ""
        )
        rows = f"\n  {label}: {rows}" if finding.rows else ""
        lines.append(f"- [{explain.kind_name(finding.kind)}] {finding.for_organismo()}{rows}")
    for finding in submission.result.warnings:
        lines.append(f"- (advertencia) {finding.for_organismo()}")
    return REJECTED_TEXT.format(
        title=job.dataset.title,
        slug=job.slug,
        file=submission.pulled.file_name,
        sha=submission.sha256,
        when=dt.datetime.now(OFFICE_ZONE).strftime("%Y-%m-%d %H:%M:%S"),
        cause=rejection_cause(job, submission) or "no cumple el contrato",
        lines="\n".join(lines),
    )


def _score_details(result: PrecheckResult | None) -> dict:
    """Each criterion's evidence (what was counted), formula version and severity, for auditors."""
    if result is None or result.analysis is None:
        return {}
    return {
        key: score.model_dump(mode="json", exclude={"findings"})
        for key, score in result.analysis.scores.items()
    }


def run_report(job: Job, run: DatasetRun, submission: Submission | None) -> RunReport:
    result = submission.result if submission else None
    return RunReport(
        dataset=job.slug,
        title=job.dataset.title,
        organismo=job.dataset.organismo,
        run_id=job.run_id,
        started_at=job.started_at,
        finished_at=dt.datetime.now(dt.UTC),
        outcome=run.outcome,
        message=run.message,
        source=None
        if submission is None
        else SourceInfo(
            kind=submission.pulled.kind,
            uri=submission.pulled.uri,
            file_name=submission.pulled.file_name,
            sha256=submission.sha256,
            bytes=submission.size,
        ),
        rows=result.rows if result else None,
        columns=result.columns if result else [],
        findings=result.findings if result else [],
        scores=result.scores if result else {},
        score_details=_score_details(result),
        overall=result.overall if result else None,
        expectations=run.expectations,
        targets=run.targets,
        timings=job.timings,
    )


def write_report(job: Job, run: DatasetRun, submission: Submission | None) -> Path:
    """The JSON report of this run, beside the others of the dataset (auditors read these)."""
    folder = job.paths.reports / "runs" / job.slug
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job.started_at.strftime('%Y%m%dT%H%M%S')}-{job.run_id[:8]}.json"
    path.write_text(run_report(job, run, submission).to_json(), encoding="utf-8")
    return path


def ledger_rows(
    job: Job, run: DatasetRun, submission: Submission | None, flow_run_id: str | None = None
) -> list[dict]:
    finished = dt.datetime.now(dt.UTC)
    result = submission.result if submission else None
    base = {
        "run_id": job.run_id,
        "flow_run_id": flow_run_id,
        "dataset": job.slug,
        "organismo": job.dataset.organismo,
        "source_kind": job.dataset.source.kind,
        "source_uri": submission.pulled.uri if submission else None,
        "source_file_name": submission.pulled.file_name if submission else None,
        "source_sha256": submission.sha256 if submission else None,
        "source_bytes": submission.size if submission else None,
        "rows": result.rows if result else None,
        "columns": len(result.columns) if result else None,
        "findings_count": len(result.findings) if result else 0,
        "errors_count": len(result.errors) if result else 0,
        "warnings_count": len(result.warnings) if result else 0,
        "findings": [f.model_dump(mode="json") for f in result.findings] if result else [],
        "quality_scores": result.scores if result else {},
        "report_path": run.report_path,
        "started_at": job.started_at,
        "finished_at": finished,
        "duration_s": (finished - job.started_at).total_seconds(),
        "timings": job.timings,
    }
    if not run.targets:
        return [{**base, "target": NO_TARGET, "outcome": run.outcome, "error_message": run.message}]
    return [
        {
            **base,
            "target": t.target,
            "portal": t.portal,
            "portal_url": t.url,
            "asset_id": t.asset_id,
            "outcome": t.outcome,
            "created": t.created,
            "updated": t.updated,
            "deleted": t.deleted,
            "bytes_sent": t.bytes_sent,
            "requests_count": t.requests,
            "portal_request_ids": t.request_ids,
            "error_message": t.error,
            "timings": {**job.timings, **{f"publish.{k}": v for k, v in t.timings.items()}},
        }
        for t in run.targets
    ]
