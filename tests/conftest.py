"""Test-wide guards: no network beyond loopback, and no test writes into the repository's state."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Tests drop files into inboxes and run at once; the tests of the settle interval set their own.
os.environ.setdefault("DATOS_CALI_INBOX_SETTLE_SECONDS", "0")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlocked(RuntimeError):
    pass


def _is_loopback(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self, address):
    if not _is_loopback(address):
        raise NetworkBlocked(f"tests may only reach loopback, not {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_loopback(address):
        raise NetworkBlocked(f"tests may only reach loopback, not {address!r}")
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


@pytest.fixture(autouse=True)
def isolated_state(tmp_path_factory, monkeypatch):
    """Each test gets its own `.datos-cali` state folder."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("DATOS_CALI_STATE", str(state))
    # Great Expectations (seconds per run) only where a test asks for it: the flows' tests and
    # the report site's do, with DATOS_CALI_GX=1.
    monkeypatch.setenv("DATOS_CALI_GX", "0")
    return state


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def prefect_harness():
    """ONE Prefect test server for the whole session (it takes ~15–20 s to start here)."""
    os.environ.setdefault("DATOS_CALI_RETRY_DELAYS", "0,0,0")
    os.environ.setdefault("DATOS_CALI_NO_SECRET_BLOCKS", "1")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def flow_process(prefect_harness):
    """Flows keep a per-process portal session and ledger; start each test with fresh ones."""
    from datos_cali_flows import common

    common.close()
    yield
    common.close()
