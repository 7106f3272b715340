"""Daily readings of the portals' usage counters, kept append-only in the ledger's database.

Portals only say how many views and downloads an asset has had *so far*; history exists only if
someone writes those numbers down every day. A reading belongs to the office's day
(America/Bogota) it was taken on, and each (portal, asset, day) keeps its FIRST reading: the
unique key plus insert-or-ignore make a second collection that day a no-op, so a day already
reported never changes afterwards, and retrying a collection is always safe. Whatever a later
reading that day would have added shows up in the next day's reading instead — nothing is lost,
because the counters are cumulative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite

from datos_cali.ledger.engine import write_transaction
from datos_cali.ledger.models import UsageSnapshot
from datos_cali.settings import OFFICE_ZONE

NAIVE_NOW = "La hora de la lectura debe tener zona horaria (se guarda en UTC)."
NEGATIVE = "El portal informó un contador negativo para {asset_id}: visitas {views}, descargas {downloads}."


def office_day(moment: dt.datetime) -> dt.date:
    """The office's calendar day for an instant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(NAIVE_NOW)
    return moment.astimezone(OFFICE_ZONE).date()


@dataclass(frozen=True)
class Snapshot:
    """One reading of one asset's cumulative counters."""

    portal: str  # the adapter's key (one portal instance): socrata@www.datos.gov.co
    target: str  # the catalog's portal name: datos.gov.co
    asset_id: str
    dataset: str
    organismo: str
    day: dt.date
    views: int
    downloads: int
    collected_at: dt.datetime
    kept: bool = True  # False when the day already had a reading and this one was ignored


class UsageStore:
    """Append and read usage snapshots; there is no update and no delete."""

    def __init__(self, engine: Engine | object) -> None:
        self.engine: Engine = getattr(engine, "engine", engine)  # a Ledger or an Engine

    def add(self, snapshots: Iterable[Snapshot]) -> list[Snapshot]:
        """Store each snapshot unless its (portal, asset, day) already has one; says which."""
        snapshots = list(snapshots)
        for snapshot in snapshots:
            if min(snapshot.views, snapshot.downloads) < 0:
                raise ValueError(NEGATIVE.format(**asdict(snapshot)))
            office_day(snapshot.collected_at)
        stored = []
        with write_transaction(self.engine) as connection:
            statement = _insert_or_ignore(connection.dialect.name)
            for snapshot in snapshots:
                values = {k: v for k, v in asdict(snapshot).items() if k != "kept"}
                inserted = connection.execute(statement, values).first()
                stored.append(replace(snapshot, kept=inserted is not None))
        return stored

    def snapshots(
        self, *, until: dt.date | None = None, dataset: str | None = None
    ) -> list[Snapshot]:
        """Stored readings, by portal, asset and day."""
        query = select(UsageSnapshot).order_by(
            UsageSnapshot.portal, UsageSnapshot.asset_id, UsageSnapshot.day
        )
        if until is not None:
            query = query.where(UsageSnapshot.day <= until)
        if dataset is not None:
            query = query.where(UsageSnapshot.dataset == dataset)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [_snapshot(row) for row in rows]

    def first_day(self) -> dt.date | None:
        """The day of the first reading stored, of any portal."""
        with self.engine.connect() as connection:
            return connection.execute(select(func.min(UsageSnapshot.day))).scalar_one()

    def count(self) -> int:
        with self.engine.connect() as connection:
            query = select(func.count()).select_from(UsageSnapshot)
            return connection.execute(query).scalar_one()


def _insert_or_ignore(dialect: str):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: a row comes back only when it was stored."""
    module = postgresql if dialect == "postgresql" else sqlite
    return (
        module.insert(UsageSnapshot)
        .on_conflict_do_nothing(index_elements=["portal", "asset_id", "day"])
        .returning(UsageSnapshot.id)
    )


def _snapshot(row) -> Snapshot:
    return Snapshot(
        portal=row.portal,
        target=row.target,
        asset_id=row.asset_id,
        dataset=row.dataset,
        organismo=row.organismo,
        day=row.day,
        views=row.views,
        downloads=row.downloads,
        collected_at=row.collected_at,
    )
