"""Tests of the run ledger on SQLite and PostgreSQL."""
