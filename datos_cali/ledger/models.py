"""The ledger's tables, as SQLAlchemy typed declarative models.

Every table lives here or in `datos_cali.ledger.ventanilla` (the web channel's tables, imported
by the package), so the Alembic environment and the schema check in the tests see all of them. Adding a table is one model here plus one revision
under `migrations/versions/` (see `datos_cali.ledger.guards` to make it append-only).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from datos_cali.outcomes import Outcome

NAIVE_DATETIME = "La fecha «{value}» no tiene zona horaria; el registro guarda instantes en UTC."

# Named constraints, so SQLite batch migrations can find and alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON on SQLite, JSONB (indexable, compact) on PostgreSQL.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """An instant in UTC: timestamptz on PostgreSQL, naive-UTC text on SQLite; aware in Python."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(NAIVE_DATETIME.format(value=value))
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RunRecord(Base):
    """One run of one dataset against one target portal; a run to two portals is two rows."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint(
            f"outcome IN ({', '.join(repr(o.value) for o in Outcome)})", name="outcome"
        ),
        Index(None, "dataset", "target", "started_at"),
        Index(None, "started_at"),
        Index(None, "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(36))
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    dataset: Mapped[str] = mapped_column(String(200))
    organismo: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(100))
    # The portal instance really written: the adapter's key, `socrata@www.datos.gov.co` or
    # `socrata@local` (the embedded stand-in); None before a portal was chosen (and before 0007).
    portal: Mapped[str | None] = mapped_column(String(200))
    portal_url: Mapped[str | None] = mapped_column(Text)
    asset_id: Mapped[str | None] = mapped_column(String(200))

    source_kind: Mapped[str] = mapped_column(String(50))
    source_uri: Mapped[str | None] = mapped_column(Text)
    source_file_name: Mapped[str | None] = mapped_column(Text)
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    source_bytes: Mapped[int | None] = mapped_column(BigInteger)
    rows: Mapped[int | None]
    columns: Mapped[int | None]

    outcome: Mapped[str] = mapped_column(String(16))
    findings_count: Mapped[int] = mapped_column(default=0)
    errors_count: Mapped[int] = mapped_column(default=0)
    warnings_count: Mapped[int] = mapped_column(default=0)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    quality_scores: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)

    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    deleted: Mapped[int] = mapped_column(default=0)
    bytes_sent: Mapped[int] = mapped_column(BigInteger, default=0)
    requests_count: Mapped[int] = mapped_column(default=0)
    portal_request_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)

    error_message: Mapped[str | None] = mapped_column(Text)
    report_path: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Double stated: a bare Mapped[float] is FLOAT on SQLAlchemy 2.0 and DOUBLE on 2.1.
    duration_s: Mapped[float] = mapped_column(Double)
    timings: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)

    def __repr__(self) -> str:
        return (
            f"RunRecord(id={self.id!r}, dataset={self.dataset!r}, target={self.target!r}, "
            f"outcome={self.outcome!r}, started_at={self.started_at!r})"
        )


class PublicationIntent(Base):
    """Written before a run's first write to one portal: what it is about to send (write-ahead).

    Its outcome is the `runs` row of the same `run_id` and `target`. An intent without one is a
    run that died in between (host lost, kill -9): the next run of the dataset reads the portal
    and records what it received (`datos_cali.pipeline.recovery`). Append-only.
    """

    __tablename__ = "publication_intents"
    __table_args__ = (
        Index(None, "dataset", "target"),
        Index(None, "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(36))
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    dataset: Mapped[str] = mapped_column(String(200))
    organismo: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(100))
    portal: Mapped[str] = mapped_column(String(200))
    asset_id: Mapped[str | None] = mapped_column(String(200))
    source_kind: Mapped[str] = mapped_column(String(50))
    source_uri: Mapped[str | None] = mapped_column(Text)
    source_file_name: Mapped[str | None] = mapped_column(Text)
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    planned_created: Mapped[int] = mapped_column(default=0)
    planned_updated: Mapped[int] = mapped_column(default=0)
    planned_deleted: Mapped[int] = mapped_column(default=0)
    expected_rows: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the run's start
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return (
            f"PublicationIntent(run_id={self.run_id!r}, dataset={self.dataset!r}, "
            f"target={self.target!r}, portal={self.portal!r})"
        )


class UsageSnapshot(Base):
    """A portal's cumulative views and downloads of one asset, as read on one day (Bogotá).

    One row per (portal, asset, day): the day's first reading is kept and later ones that day
    are ignored (insert-or-ignore on the unique key), so a closed day never changes afterwards.
    Daily usage is derived from consecutive rows (see `datos_cali.usage.deltas`).
    """

    __tablename__ = "usage_snapshots"
    __table_args__ = (
        UniqueConstraint("portal", "asset_id", "day"),
        CheckConstraint("views >= 0 AND downloads >= 0", name="counts"),
        Index(None, "dataset", "day"),
        Index(None, "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    portal: Mapped[str] = mapped_column(String(200))  # the adapter's key: socrata@www.datos.gov.co
    target: Mapped[str] = mapped_column(String(100))  # the catalog's portal name: datos.gov.co
    asset_id: Mapped[str] = mapped_column(String(200))
    dataset: Mapped[str] = mapped_column(String(200))
    organismo: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)  # in America/Bogota
    views: Mapped[int] = mapped_column(BigInteger)
    downloads: Mapped[int] = mapped_column(BigInteger)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return (
            f"UsageSnapshot(portal={self.portal!r}, asset_id={self.asset_id!r}, "
            f"day={self.day!r}, views={self.views!r}, downloads={self.downloads!r})"
        )
