"""Fixtures: a real local portal on loopback per test, and the real clients that talk to it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests
from sodapy import Socrata

from datos_cali.localportal import LocalPortal
from tests.localportal.helpers import FakeClock, auth_of, sodapy_client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def portal(tmp_path, clock) -> Iterator[LocalPortal]:
    with LocalPortal(tmp_path / "portal", clock=clock).start() as running:
        yield running


@pytest.fixture
def client(portal) -> Iterator[Socrata]:
    with sodapy_client(portal) as socrata:
        yield socrata


@pytest.fixture
def owner(portal) -> Iterator[requests.Session]:
    """A plain requests session with the portal's API key (Basic auth) and app token."""
    with requests.Session() as session:
        session.auth = auth_of(portal)
        session.headers["X-App-Token"] = portal.credentials.app_token
        yield session


@pytest.fixture(autouse=True)
def portal_logs_no_errors(caplog):
    """Fail any test during which the portal logged an error (a handler or server bug)."""
    caplog.set_level(logging.WARNING, logger="datos_cali.localportal")
    yield
    errors = [r for r in caplog.records if r.name.startswith("datos_cali.localportal")]
    assert not errors, [r.getMessage() for r in errors]
