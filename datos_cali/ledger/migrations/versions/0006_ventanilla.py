"""ventanilla: accounts, sessions, one-time links, uploads, receipts, notices, audit log; and
the run outcomes «sin archivo nuevo» and «archivo no reconocido»

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from datos_cali.ledger.guards import allow_changes, forbid_changes

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OUTCOMES_BEFORE = ("published", "unchanged", "rejected", "failed")
OUTCOMES = ("published", "unchanged", "no_new_file", "unrecognised", "rejected", "failed")
APPEND_ONLY = ("ventanilla_uploads", "ventanilla_receipts", "ventanilla_audit")


def _outcomes(values: tuple[str, ...]) -> None:
    """Replace the runs' outcome CHECK. On SQLite the batch recreates the table, which drops
    its append-only triggers: they are put back (PostgreSQL keeps them)."""
    with op.batch_alter_table("runs") as batch:
        batch.drop_constraint(op.f("ck_runs_outcome"), type_="check")
        batch.create_check_constraint(
            op.f("ck_runs_outcome"), f"outcome IN ({', '.join(repr(v) for v in values)})"
        )
    if op.get_context().dialect.name == "sqlite":
        forbid_changes("runs")


def upgrade() -> None:
    _outcomes(OUTCOMES)
    op.create_table(
        "ventanilla_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("organismo", sa.String(length=200), nullable=True),
        sa.Column("dataset", sa.String(length=200), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column(
            "detail",
            JSON,
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ventanilla_audit")),
    )
    op.create_index(
        op.f("ix_ventanilla_audit_actor_action_at"),
        "ventanilla_audit",
        ["actor", "action", "at"],
        unique=False,
    )
    op.create_index(op.f("ix_ventanilla_audit_at"), "ventanilla_audit", ["at"])
    op.create_index(op.f("ix_ventanilla_audit_ip"), "ventanilla_audit", ["ip"])

    op.create_table(
        "ventanilla_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("organismo", sa.String(length=200), nullable=True),
        sa.Column("dataset", sa.String(length=200), nullable=True),
        sa.Column(
            "recipients",
            JSON,
            nullable=False,
        ),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pendiente', 'enviado', 'fallido', 'sin_correo')",
            name=op.f("ck_ventanilla_notices_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ventanilla_notices")),
        sa.UniqueConstraint("key", name=op.f("uq_ventanilla_notices_key")),
    )
    op.create_index(
        op.f("ix_ventanilla_notices_organismo_created_at"),
        "ventanilla_notices",
        ["organismo", "created_at"],
        unique=False,
    )

    op.create_table(
        "ventanilla_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("organismo", sa.String(length=200), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role != 'organismo' OR organismo IS NOT NULL",
            name=op.f("ck_ventanilla_users_organismo"),
        ),
        sa.CheckConstraint(
            "role IN ('organismo', 'oficina', 'auditor')", name=op.f("ck_ventanilla_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ventanilla_users")),
        sa.UniqueConstraint("email", name=op.f("uq_ventanilla_users_email")),
    )
    op.create_table(
        "ventanilla_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('invitacion', 'restablecer')", name=op.f("ck_ventanilla_links_purpose")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ventanilla_users.id"],
            name=op.f("fk_ventanilla_links_user_id_ventanilla_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ventanilla_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ventanilla_links_token_hash")),
    )
    op.create_index(op.f("ix_ventanilla_links_user_id"), "ventanilla_links", ["user_id"])

    op.create_table(
        "ventanilla_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ventanilla_users.id"],
            name=op.f("fk_ventanilla_sessions_user_id_ventanilla_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ventanilla_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ventanilla_sessions_token_hash")),
    )
    op.create_index(op.f("ix_ventanilla_sessions_user_id"), "ventanilla_sessions", ["user_id"])

    op.create_table(
        "ventanilla_uploads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organismo", sa.String(length=200), nullable=False),
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("recognised", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column("columns", sa.Integer(), nullable=True),
        sa.Column("publishable", sa.Boolean(), nullable=False),
        sa.Column("errors_count", sa.Integer(), nullable=False),
        sa.Column("warnings_count", sa.Integer(), nullable=False),
        sa.Column("rows_to_fix", sa.BigInteger(), nullable=False),
        sa.Column(
            "findings",
            JSON,
            nullable=False,
        ),
        sa.Column(
            "headers",
            JSON,
            nullable=False,
        ),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ventanilla_users.id"],
            name=op.f("fk_ventanilla_uploads_user_id_ventanilla_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ventanilla_uploads")),
    )
    op.create_index(
        op.f("ix_ventanilla_uploads_dataset_sha256"), "ventanilla_uploads", ["dataset", "sha256"]
    )
    op.create_index(
        op.f("ix_ventanilla_uploads_organismo_uploaded_at"),
        "ventanilla_uploads",
        ["organismo", "uploaded_at"],
        unique=False,
    )

    op.create_table(
        "ventanilla_receipts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organismo", sa.String(length=200), nullable=False),
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("inbox_name", sa.Text(), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["ventanilla_uploads.id"],
            name=op.f("fk_ventanilla_receipts_upload_id_ventanilla_uploads"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ventanilla_users.id"],
            name=op.f("fk_ventanilla_receipts_user_id_ventanilla_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ventanilla_receipts")),
        sa.UniqueConstraint("upload_id", name=op.f("uq_ventanilla_receipts_upload_id")),
    )
    op.create_index(
        op.f("ix_ventanilla_receipts_organismo_sent_at"),
        "ventanilla_receipts",
        ["organismo", "sent_at"],
        unique=False,
    )
    for table in APPEND_ONLY:
        forbid_changes(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        allow_changes(table)
    for table in (
        "ventanilla_receipts",
        "ventanilla_uploads",
        "ventanilla_sessions",
        "ventanilla_links",
        "ventanilla_users",
        "ventanilla_notices",
        "ventanilla_audit",
    ):
        op.drop_table(table)  # their indexes go with them
    if op.get_context().dialect.name == "sqlite":
        allow_changes("runs")
    _outcomes(OUTCOMES_BEFORE)  # refuses while runs with the new outcomes exist
