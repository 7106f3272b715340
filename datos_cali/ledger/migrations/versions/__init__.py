"""Ledger revisions, oldest first by number; Alembic orders them by `down_revision`."""
