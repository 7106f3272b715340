"""publication intents (write-ahead) and the outcome «publicado (recuperado)»; runs.portal, the
portal instance really written

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from datos_cali.ledger.guards import allow_changes, forbid_changes

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES_BEFORE = ("published", "unchanged", "no_new_file", "unrecognised", "rejected", "failed")
OUTCOMES = (
    "published",
    "recovered",
    "unchanged",
    "no_new_file",
    "unrecognised",
    "rejected",
    "failed",
)


def _runs(values: tuple[str, ...], *, portal: bool) -> None:
    """Replace the runs' outcome CHECK and add or drop `portal`. On SQLite the batch recreates
    the table, which drops its append-only triggers: they are put back (PostgreSQL keeps them)."""
    with op.batch_alter_table("runs") as batch:
        if portal:
            batch.add_column(sa.Column("portal", sa.String(length=200), nullable=True))
        else:
            batch.drop_column("portal")
        batch.drop_constraint(op.f("ck_runs_outcome"), type_="check")
        batch.create_check_constraint(
            op.f("ck_runs_outcome"), f"outcome IN ({', '.join(repr(v) for v in values)})"
        )
    if op.get_context().dialect.name == "sqlite":
        forbid_changes("runs")


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        allow_changes("runs")  # the batch below recreates the table
    _runs(OUTCOMES, portal=True)
    op.create_table(
        "publication_intents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("organismo", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("portal", sa.String(length=200), nullable=False),
        sa.Column("asset_id", sa.String(length=200), nullable=True),
        sa.Column("source_kind", sa.String(length=50), nullable=False),
        sa.Column("source_uri", sa.Text(), nullable=True),
        sa.Column("source_file_name", sa.Text(), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("planned_created", sa.Integer(), nullable=False),
        sa.Column("planned_updated", sa.Integer(), nullable=False),
        sa.Column("planned_deleted", sa.Integer(), nullable=False),
        sa.Column("expected_rows", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_intents")),
    )
    op.create_index(
        op.f("ix_publication_intents_dataset_target"), "publication_intents", ["dataset", "target"]
    )
    op.create_index(op.f("ix_publication_intents_run_id"), "publication_intents", ["run_id"])
    forbid_changes("publication_intents")


def downgrade() -> None:
    allow_changes("publication_intents")
    op.drop_table("publication_intents")  # its indexes go with it
    if op.get_context().dialect.name == "sqlite":
        allow_changes("runs")
    _runs(OUTCOMES_BEFORE, portal=False)  # refuses while «recuperado» rows exist
