"""Append-only tables, enforced by the database itself and not only by the Python API.

Revisions call `forbid_changes(table)` after creating a table whose rows must never change
(the run ledger; later, usage snapshots) and `allow_changes(table)` in their downgrade.
A data migration that truly must rewrite rows drops the guard, changes them and puts it back,
in the same revision, so the exception is visible in review. On SQLite, a batch operation
that recreates the table (most ALTERs other than ADD COLUMN) drops its triggers: call
`forbid_changes(table)` again after it.

Keep the SQL these functions emit stable: past revisions call them. To change a guard, add
new functions for new revisions instead of editing these.
"""

from __future__ import annotations

from alembic import op

GUARD_MESSAGE = "La tabla {table} es de solo adición: sus filas no se modifican ni se borran."


def forbid_changes(table: str) -> None:
    """Make UPDATE, DELETE (and TRUNCATE on PostgreSQL) on `table` abort."""
    message = GUARD_MESSAGE.format(table=table).replace("'", "''")
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION {table}_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for verb in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def allow_changes(table: str) -> None:
    """Undo `forbid_changes(table)`."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
