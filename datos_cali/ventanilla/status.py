"""The office's status page, as data: per dataset, where it stands right now.

`office_status(...)` is what the ventanilla's «Estado» page and `datos-cali estado` show:
organismo; the last run's outcome and its cause («sin archivo nuevo», «sin cambios» and
«archivo no reconocido» kept apart); the last publication each portal confirmed; the next
scheduled run (from the deployments in `prefect.yaml`, evaluated like Prefect does, with
cronsim, in the office's time zone); whether it is overdue against its declared frequency;
and whether the office is waiting for a corrected file (the newest file was rejected and
nothing newer has been sent), or a sent file is waiting for its run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from cronsim import CronSim, CronSimError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datos_cali.catalog import Catalog
from datos_cali.compliance.history import last_successes, load_history
from datos_cali.ledger.models import RunRecord
from datos_cali.ledger.ventanilla import Receipt
from datos_cali.outcomes import NO_TARGET, Outcome
from datos_cali.settings import OFFICE_ZONE
from datos_cali.ventanilla.history import portal_link, scrub

NEVER_RUN = "Nunca se ha ejecutado."
NOT_SCHEDULED = "sin programación"


@dataclass(frozen=True)
class Publication:
    target: str
    at: dt.datetime
    url: str | None
    sha256: str | None


@dataclass
class DatasetStatus:
    slug: str
    title: str
    organismo: str
    organismo_name: str
    frequency: str
    last_outcome: str | None = None  # the ledger's value; None: never run
    last_label: str = "sin ejecuciones"
    last_at: dt.datetime | None = None
    cause: str = NEVER_RUN
    publications: list[Publication] = field(default_factory=list)
    next_run: dt.datetime | None = None
    last_success: dt.datetime | None = None
    overdue: bool = False
    days_late: int = 0
    waiting_correction: bool = False
    waiting_run_since: dt.datetime | None = None  # a file sent through the ventanilla

    def to_dict(self) -> dict:
        data = asdict(self)
        for key, value in list(data.items()):
            if isinstance(value, dt.datetime):
                data[key] = value.isoformat()
        data["publications"] = [{**asdict(p), "at": p.at.isoformat()} for p in self.publications]
        return data


def next_runs(prefect_yaml: Path, now: dt.datetime) -> dict[str, dt.datetime]:
    """Deployment name → its next scheduled start, from the active cron schedules."""
    found = {}
    for name, schedules in _schedules(prefect_yaml).items():
        times = []
        for cron, zone in schedules:
            try:
                times.append(next(CronSim(cron, now.astimezone(zone))))
            except (CronSimError, StopIteration):
                continue
        if times:
            found[name] = min(times)
    return found


_SCHEDULES: dict[Path, tuple[tuple, dict]] = {}


def _schedules(prefect_yaml: Path) -> dict[str, list[tuple[str, ZoneInfo]]]:
    """The active cron schedules of each deployment, parsed once per version of the file."""
    try:
        stat = prefect_yaml.stat()
    except OSError:
        return {}
    signature = (stat.st_mtime_ns, stat.st_size)
    cached = _SCHEDULES.get(prefect_yaml)
    if cached is not None and cached[0] == signature:
        return cached[1]
    document = yaml.safe_load(prefect_yaml.read_text(encoding="utf-8")) or {}
    found: dict[str, list[tuple[str, ZoneInfo]]] = {}
    for deployment in document.get("deployments") or []:
        found[deployment["name"]] = [
            (schedule["cron"], _zone(schedule.get("timezone")))
            for schedule in deployment.get("schedules") or []
            if schedule.get("active", True) and "cron" in schedule
        ]
    _SCHEDULES[prefect_yaml] = (signature, found)
    return found


def _zone(name: str | None):
    try:
        return ZoneInfo(name) if name else OFFICE_ZONE
    except (ZoneInfoNotFoundError, ValueError):
        return OFFICE_ZONE


def _latest_runs(session: Session) -> dict[str, list[RunRecord]]:
    """The rows of each dataset's newest run (one per target it reached)."""
    newest = (
        select(RunRecord.dataset, func.max(RunRecord.started_at).label("started_at"))
        .group_by(RunRecord.dataset)
        .subquery()
    )
    query = select(RunRecord).join(
        newest,
        (newest.c.dataset == RunRecord.dataset) & (newest.c.started_at == RunRecord.started_at),
    )
    found: dict[str, list[RunRecord]] = {}
    for row in session.scalars(query):
        found.setdefault(row.dataset, []).append(row)
    return found


def _last_published(session: Session) -> dict[tuple[str, str], RunRecord]:
    rank = (
        func.row_number()
        .over(
            partition_by=(RunRecord.dataset, RunRecord.target),
            order_by=(RunRecord.finished_at.desc(), RunRecord.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(RunRecord.id, rank).where(RunRecord.outcome == Outcome.PUBLISHED.value).subquery()
    )
    query = select(RunRecord).join(ranked, ranked.c.id == RunRecord.id).where(ranked.c.rank == 1)
    return {(r.dataset, r.target): r for r in session.scalars(query)}


def _last_file_runs(session: Session) -> dict[str, RunRecord]:
    """Each dataset's newest run that analysed a file (it has a source SHA-256)."""
    newest = (
        select(RunRecord.dataset, func.max(RunRecord.id).label("id"))
        .where(RunRecord.source_sha256.is_not(None))
        .group_by(RunRecord.dataset)
        .subquery()
    )
    query = select(RunRecord).join(newest, newest.c.id == RunRecord.id)
    return {r.dataset: r for r in session.scalars(query)}


def _latest_receipts(session: Session) -> dict[str, Receipt]:
    newest = (
        select(Receipt.dataset, func.max(Receipt.id).label("id")).group_by(Receipt.dataset)
    ).subquery()
    return {
        r.dataset: r
        for r in session.scalars(select(Receipt).join(newest, newest.c.id == Receipt.id))
    }


def _speaker(rows: list[RunRecord]) -> RunRecord:
    """The row that speaks for a run: a failure or a rejection anywhere, then a publication."""
    order = [Outcome.FAILED, Outcome.REJECTED, Outcome.PUBLISHED]
    return min(rows, key=lambda r: order.index(r.outcome) if r.outcome in order else len(order))


def _cause(row: RunRecord) -> str:
    if row.outcome == Outcome.REJECTED:
        errors = [f for f in row.findings or [] if f.get("severity") == "block"]
        if errors:
            more = f" (y {len(errors) - 1} problema(s) más)" if len(errors) > 1 else ""
            return scrub(errors[0].get("message")) + more
    if row.error_message:
        return scrub(row.error_message)
    return Outcome(row.outcome).help.capitalize() + "."


def office_status(
    engine,
    catalog: Catalog,
    *,
    now: dt.datetime | None = None,
    prefect_yaml: Path | None = None,
    local_portal_url: str | None = None,
    organismos: frozenset[str] | None = None,
) -> list[DatasetStatus]:
    """Every catalog dataset (of `organismos`, when given), sorted by organismo and title."""
    now = now or dt.datetime.now(dt.UTC)
    upcoming = next_runs(prefect_yaml, now) if prefect_yaml else {}
    successes = last_successes(load_history(engine))
    with Session(engine) as session:
        latest = _latest_runs(session)
        published = _last_published(session)
        file_runs = _last_file_runs(session)
        receipts = _latest_receipts(session)
    found = []
    for slug, dataset in catalog.datasets.items():
        if organismos is not None and dataset.organismo not in organismos:
            continue
        organismo = catalog.organismos.get(dataset.organismo)
        status = DatasetStatus(
            slug=slug,
            title=dataset.title,
            organismo=dataset.organismo,
            organismo_name=organismo.name if organismo else dataset.organismo,
            frequency=dataset.frequency.value,
            next_run=upcoming.get(slug),
        )
        rows = latest.get(slug)
        if rows:
            row = _speaker(rows)
            status.last_outcome = row.outcome
            status.last_label = Outcome(row.outcome).label
            status.last_at = row.finished_at
            status.cause = _cause(row)
        for target in dataset.targets:
            hit = published.get((slug, target.portal))
            if hit is not None:
                status.publications.append(
                    Publication(
                        target.portal,
                        hit.finished_at,
                        portal_link(hit.portal_url, local_portal_url),
                        hit.source_sha256,
                    )
                )
        status.last_success = successes.get(slug)
        period = dataset.frequency.period
        if status.last_success is not None and period is not None:
            late = now - (status.last_success + period)
            status.overdue = late > dt.timedelta(0)
            status.days_late = max(late.days, 0)
        receipt = receipts.get(slug)
        last_file = file_runs.get(slug)
        if receipt is not None and (last_file is None or receipt.sent_at > last_file.started_at):
            status.waiting_run_since = receipt.sent_at
        elif last_file is not None and last_file.outcome == Outcome.REJECTED:
            status.waiting_correction = True
        found.append(status)
    return sorted(found, key=lambda s: (s.organismo_name, s.title))


def targets_of(statuses: list[DatasetStatus], catalog: Catalog) -> list[str]:
    """The portals any listed dataset publishes to, in the catalog's order."""
    seen: list[str] = []
    for status in statuses:
        for target in catalog.datasets[status.slug].targets:
            if target.portal not in seen and target.portal != NO_TARGET:
                seen.append(target.portal)
    return seen
