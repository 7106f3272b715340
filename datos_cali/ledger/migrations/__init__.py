"""Alembic environment of the ledger, shipped inside the package (no alembic.ini)."""
