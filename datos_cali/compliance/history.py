"""What the ledger says each dataset's publications were: the facts compliance is computed from.

Only runs that reached a portal matter here: `published` (the portal confirmed new rows) and
`unchanged` (the portal was checked and already held this data). Only the few columns needed are
read, so this stays cheap over years of runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from datos_cali.ledger.models import RunRecord
from datos_cali.outcomes import NO_TARGET, Outcome

SUCCESSES = (Outcome.PUBLISHED.value, Outcome.RECOVERED.value, Outcome.UNCHANGED.value)


@dataclass(frozen=True)
class Publication:
    dataset: str
    organismo: str
    target: str
    outcome: str  # "published" or "unchanged"
    at: dt.datetime  # when the run finished (UTC)

    @property
    def published(self) -> bool:
        return self.outcome in (Outcome.PUBLISHED.value, Outcome.RECOVERED.value)


def load_history(ledger) -> list[Publication]:
    """Every successful run on a portal, oldest first (`ledger`: a Ledger or its engine)."""
    engine = getattr(ledger, "engine", ledger)
    query = (
        select(
            RunRecord.dataset,
            RunRecord.organismo,
            RunRecord.target,
            RunRecord.outcome,
            RunRecord.finished_at,
        )
        .where(RunRecord.outcome.in_(SUCCESSES), RunRecord.target != NO_TARGET)
        .order_by(RunRecord.finished_at, RunRecord.id)
    )
    with engine.connect() as connection:
        return [Publication(*row) for row in connection.execute(query)]


def until(history: Iterable[Publication], moment: dt.datetime) -> list[Publication]:
    """The history as it stood just before `moment`."""
    return [p for p in history if p.at < moment]


def first_publications(history: Iterable[Publication]) -> dict[str, dt.datetime]:
    """When each dataset was first confirmed on any portal."""
    found: dict[str, dt.datetime] = {}
    for item in history:
        if item.published and (item.dataset not in found or item.at < found[item.dataset]):
            found[item.dataset] = item.at
    return found


def last_successes(history: Iterable[Publication]) -> dict[str, dt.datetime]:
    """When each dataset was last confirmed on a portal (published, or checked unchanged), over
    a history that may be cut at a past moment: what `schedule.due` measures periods from."""
    found: dict[str, dt.datetime] = {}
    for item in history:
        if item.dataset not in found or item.at > found[item.dataset]:
            found[item.dataset] = item.at
    return found


def first_run(ledger) -> dt.datetime | None:
    """When the ledger's first run (of any outcome) started: before it, nothing was recorded."""
    engine = getattr(ledger, "engine", ledger)
    with engine.connect() as connection:
        moment = connection.execute(select(func.min(RunRecord.started_at))).scalar_one()
    if moment is not None and moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment
