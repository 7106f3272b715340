"""Flows run under ONE session-scoped Prefect test harness (its server takes ~15–20 s to start)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DATOS_CALI_RETRY_DELAYS", "0,0,0")
os.environ.setdefault("DATOS_CALI_NO_SECRET_BLOCKS", "1")
os.environ.setdefault("DATOS_CALI_BACKOFF", "0.01")

from tests.cli.conftest import cli  # noqa: F401  (the CLI invoker)
from tests.pipeline.conftest import mini  # noqa: F401  (the small-catalog fixture)


@pytest.fixture(autouse=True)
def _fresh_process_state(flow_process, monkeypatch):
    """Each test has its own state folder, so the per-process session and ledger start over;
    the flows run Great Expectations, as in production."""
    monkeypatch.setenv("DATOS_CALI_GX", "1")
    yield
