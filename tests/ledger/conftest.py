"""Every ledger test runs on SQLite (a file in tmp_path) and on a fresh PostgreSQL database."""

from __future__ import annotations

import pytest

from datos_cali.ledger import open_ledger
from tests.fixtures.postgres import fresh_postgres_url, postgres_url  # noqa: F401


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
def ledger(db_url):
    with open_ledger(db_url) as opened:
        yield opened
