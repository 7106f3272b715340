"""The ledger's API: append a run, and the questions the flows, reports and usage ask of it.

There is deliberately no update or delete: a run, once recorded, is history (the database's
triggers refuse changes too). Records come back detached, newest first.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Select, and_, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from datos_cali.ledger.engine import (
    create_ledger_engine,
    display_url,
    ledger_url,
    write_transaction,
)
from datos_cali.ledger.models import PublicationIntent, RunRecord
from datos_cali.ledger.versioning import upgrade_engine
from datos_cali.outcomes import NO_TARGET, PUBLISHED_OUTCOMES, Outcome
from datos_cali.settings import OFFICE_TIMEZONE

Period = Literal["day", "week", "month", "year"]
_PERIOD_FORMATS = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m", "year": "%Y"}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_COUNTS = (
    "findings_count",
    "errors_count",
    "warnings_count",
    "created",
    "updated",
    "deleted",
    "bytes_sent",
    "requests_count",
)
_JSON_FIELDS = {
    "findings": list,
    "quality_scores": dict,
    "portal_request_ids": list,
    "timings": dict,
}

ALREADY_RECORDED = "La ejecución {id} ya está en el registro; el registro no admite cambios."
UNKNOWN_FIELDS = "Campos desconocidos para el registro de ejecuciones: {fields}."
MISSING_FIELD = "Falta «{field}» en el registro de la ejecución."
BAD_OUTCOME = "Resultado «{value}» desconocido; debe ser uno de: {allowed}."
BAD_SHA256 = "«{value}» no es un SHA-256 válido (64 caracteres hexadecimales en minúscula)."
NAIVE_TIME = "«{field}» debe ser una fecha y hora con zona horaria (se guarda en UTC)."
TIME_ORDER = "La ejecución termina ({finished}) antes de empezar ({started})."
NEGATIVE_COUNT = "«{field}» no puede ser negativo ({value})."
NOT_JSON = "«{field}» debe ser {kind} serializable a JSON: {reason}."
BAD_PERIOD = "Periodo «{value}» desconocido; use uno de: {allowed}."


@dataclass(frozen=True)
class OutcomeCount:
    period: str  # "2021-03-15", "2021-W11", "2021-03" or "2021", in the office's time zone
    outcome: str
    count: int


def new_run_id() -> str:
    """The id shared by every target row of one run."""
    return str(uuid.uuid4())


class Ledger:
    """Append-only access to the run ledger of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return display_url(self.engine.url)

    def __repr__(self) -> str:
        return f"Ledger({self.url!r})"

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # --- writing --------------------------------------------------------------------------

    def record(self, run: RunRecord | dict[str, Any]) -> int:
        """Append one run-and-target row; returns its id."""
        if isinstance(run, RunRecord):
            if run.id is not None:
                raise ValueError(ALREADY_RECORDED.format(id=run.id))
        else:
            unknown = sorted(set(run) - set(RunRecord.__table__.columns.keys()) - {"id"})
            if unknown or "id" in run:
                raise ValueError(UNKNOWN_FIELDS.format(fields=", ".join(unknown or ["id"])))
            run = RunRecord(**run)
        _complete(run)
        with write_transaction(self.engine) as connection, Session(bind=connection) as session:
            session.add(run)
            session.flush()
            session.expunge(run)
        return run.id

    def record_intent(self, intent: dict[str, Any]) -> int:
        """Append a write-ahead intent (before a run's first write to one portal); its id."""
        for field in ("run_id", "dataset", "organismo", "target", "portal", "source_kind"):
            if intent.get(field) in (None, ""):
                raise ValueError(MISSING_FIELD.format(field=field))
        row = PublicationIntent(**intent)
        for field in ("started_at", "recorded_at"):
            value = getattr(row, field)
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise ValueError(NAIVE_TIME.format(field=field))
        with write_transaction(self.engine) as connection, Session(bind=connection) as session:
            session.add(row)
            session.flush()
            session.expunge(row)
        return row.id

    def unfinished_intents(
        self, dataset: str | None = None, target: str | None = None, portal: str | None = None
    ) -> list[PublicationIntent]:
        """Intents without a `runs` row of the same run and target, oldest first: runs that
        died between their first portal write and their ledger row (or are still running)."""
        done = exists().where(
            and_(
                RunRecord.run_id == PublicationIntent.run_id,
                RunRecord.target == PublicationIntent.target,
            )
        )
        query = select(PublicationIntent).where(~done).order_by(PublicationIntent.id)
        if dataset is not None:
            query = query.where(PublicationIntent.dataset == dataset)
        if target is not None:
            query = query.where(PublicationIntent.target == target)
        if portal is not None:
            query = query.where(PublicationIntent.portal == portal)
        return self._all(query)

    def intents(self, dataset: str | None = None) -> list[PublicationIntent]:
        """Every intent (of `dataset`), oldest first."""
        query = select(PublicationIntent).order_by(PublicationIntent.id)
        if dataset is not None:
            query = query.where(PublicationIntent.dataset == dataset)
        return self._all(query)

    def has_run(self, run_id: str, target: str) -> bool:
        """Whether the run's row for `target` is recorded."""
        query = select(func.count()).where(RunRecord.run_id == run_id, RunRecord.target == target)
        with self.engine.connect() as connection:
            return connection.execute(query.select_from(RunRecord)).scalar_one() > 0

    # --- reading --------------------------------------------------------------------------

    def runs(
        self,
        dataset: str | None = None,
        target: str | None = None,
        outcome: Outcome | str | tuple[Outcome, ...] | None = None,
        since: datetime | None = None,
        limit: int | None = None,
        *,
        run_id: str | None = None,
    ) -> list[RunRecord]:
        """Matching rows, newest first (by start time, then by id)."""
        query = _newest_first(select(RunRecord))
        if dataset is not None:
            query = query.where(RunRecord.dataset == dataset)
        if target is not None:
            query = query.where(RunRecord.target == target)
        if isinstance(outcome, tuple | list):
            query = query.where(RunRecord.outcome.in_([Outcome(o).value for o in outcome]))
        elif outcome is not None:
            query = query.where(RunRecord.outcome == Outcome(outcome).value)
        if since is not None:
            query = query.where(RunRecord.started_at >= since)
        if run_id is not None:
            query = query.where(RunRecord.run_id == run_id)
        if limit is not None:
            query = query.limit(limit)
        return self._all(query)

    def latest(self, dataset: str, target: str | None = None) -> RunRecord | None:
        """The newest row of `dataset` (on `target`, when given), whatever its outcome."""
        found = self.runs(dataset=dataset, target=target, limit=1)
        return found[0] if found else None

    def last_published(self, dataset: str, target: str) -> RunRecord | None:
        """The newest run the portal confirmed (or a recovery found on the portal): what the
        portal holds now, and from which bytes."""
        query = _newest_first(select(RunRecord)).where(
            RunRecord.dataset == dataset,
            RunRecord.target == target,
            RunRecord.outcome.in_([o.value for o in PUBLISHED_OUTCOMES]),
        )
        found = self._all(query.limit(1))
        return found[0] if found else None

    def latest_per_target(self) -> list[RunRecord]:
        """The newest row of every (dataset, target) pair, ordered by dataset and target."""
        rank = (
            func.row_number()
            .over(
                partition_by=(RunRecord.dataset, RunRecord.target),
                order_by=(RunRecord.started_at.desc(), RunRecord.id.desc()),
            )
            .label("rank")
        )
        ranked = select(RunRecord.id, rank).subquery()
        query = (
            select(RunRecord)
            .join(ranked, ranked.c.id == RunRecord.id)
            .where(ranked.c.rank == 1)
            .order_by(RunRecord.dataset, RunRecord.target)
        )
        return self._all(query)

    def outcome_counts(
        self,
        period: Period = "month",
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        dataset: str | None = None,
        timezone: str = OFFICE_TIMEZONE,
    ) -> list[OutcomeCount]:
        """Rows per period and outcome, periods in the office's local time, oldest first.

        Grouped in Python so a run near midnight lands in the right local day on both
        backends; only two columns are streamed, so this stays cheap for years of runs.
        """
        if period not in _PERIOD_FORMATS:
            raise ValueError(BAD_PERIOD.format(value=period, allowed=", ".join(_PERIOD_FORMATS)))
        pattern, zone = _PERIOD_FORMATS[period], ZoneInfo(timezone)
        query = select(RunRecord.started_at, RunRecord.outcome)
        if since is not None:
            query = query.where(RunRecord.started_at >= since)
        if until is not None:
            query = query.where(RunRecord.started_at < until)
        if dataset is not None:
            query = query.where(RunRecord.dataset == dataset)
        counts: Counter[tuple[str, str]] = Counter()
        with self.engine.connect() as connection:
            for started_at, outcome in connection.execute(query.execution_options(yield_per=1000)):
                counts[(started_at.astimezone(zone).strftime(pattern), outcome)] += 1
        return [OutcomeCount(p, o, n) for (p, o), n in sorted(counts.items())]

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(RunRecord)).scalar_one()

    def _all(self, query: Select) -> list[RunRecord]:
        with self._sessions() as session:
            return list(session.scalars(query))


def open_ledger(url: str | None = None) -> Ledger:
    """Open the ledger at `url` (default `ledger_url()`), migrating it to head first."""
    engine = create_ledger_engine(url or ledger_url())
    try:
        upgrade_engine(engine)
    except BaseException:
        engine.dispose()
        raise
    return Ledger(engine)


def _newest_first(query: Select) -> Select:
    return query.order_by(RunRecord.started_at.desc(), RunRecord.id.desc())


def _complete(run: RunRecord) -> None:
    """Fill the defaults a flow need not spell out, and refuse rows a report could not trust."""
    for field in ("dataset", "organismo", "source_kind", "outcome", "started_at", "finished_at"):
        if getattr(run, field) in (None, ""):
            raise ValueError(MISSING_FIELD.format(field=field))
    if run.run_id is None:
        run.run_id = new_run_id()
    if run.target is None:
        run.target = NO_TARGET
    allowed = [o.value for o in Outcome]
    if str(run.outcome) not in allowed:
        raise ValueError(BAD_OUTCOME.format(value=run.outcome, allowed=", ".join(allowed)))
    run.outcome = Outcome(run.outcome).value
    if run.source_sha256 is not None and not _SHA256.fullmatch(run.source_sha256):
        raise ValueError(BAD_SHA256.format(value=run.source_sha256))
    for field in ("started_at", "finished_at"):
        value = getattr(run, field)
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise ValueError(NAIVE_TIME.format(field=field))
    if run.finished_at < run.started_at:
        raise ValueError(TIME_ORDER.format(finished=run.finished_at, started=run.started_at))
    if run.duration_s is None:
        run.duration_s = (run.finished_at - run.started_at).total_seconds()
    for field in _COUNTS:
        value = getattr(run, field)
        if value is None:
            setattr(run, field, 0)
        elif value < 0:
            raise ValueError(NEGATIVE_COUNT.format(field=field, value=value))
    for field, kind in _JSON_FIELDS.items():
        value = getattr(run, field)
        if value is None:
            value = kind()
        if not isinstance(value, kind):
            raise ValueError(NOT_JSON.format(field=field, kind=kind.__name__, reason=type(value)))
        try:
            setattr(run, field, json.loads(json.dumps(_finite(value))))
        except (TypeError, ValueError) as error:
            raise ValueError(
                NOT_JSON.format(field=field, kind=kind.__name__, reason=error)
            ) from error


def _finite(value: Any) -> Any:
    """NaN and infinities become null: PostgreSQL's JSONB refuses them, and a score that could
    not be computed must not cost the run its record."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
