"""usage_snapshots: one append-only reading of a portal's usage counters per asset and day

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from datos_cali.ledger.guards import allow_changes, forbid_changes

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("portal", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("asset_id", sa.String(length=200), nullable=False),
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("organismo", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.Column("downloads", sa.BigInteger(), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("views >= 0 AND downloads >= 0", name=op.f("ck_usage_snapshots_counts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_snapshots")),
        sa.UniqueConstraint(
            "portal", "asset_id", "day", name=op.f("uq_usage_snapshots_portal_asset_id_day")
        ),
    )
    op.create_index(op.f("ix_usage_snapshots_dataset_day"), "usage_snapshots", ["dataset", "day"])
    op.create_index(op.f("ix_usage_snapshots_day"), "usage_snapshots", ["day"])
    forbid_changes("usage_snapshots")


def downgrade() -> None:
    allow_changes("usage_snapshots")
    op.drop_index(op.f("ix_usage_snapshots_day"), table_name="usage_snapshots")
    op.drop_index(op.f("ix_usage_snapshots_dataset_day"), table_name="usage_snapshots")
    op.drop_table("usage_snapshots")
