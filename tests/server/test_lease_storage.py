"""Portal-write slots survive a restart of the Prefect server only with the lease storage that
ops/systemd/prefect-server.env.example sets: with Prefect's default (in memory) a restart while a
slot is held forgets the lease, and the slot stays taken for good; with the filesystem storage
the lease outlives the restart and expires, so the slot comes back.

Its own server (not the session's): it is restarted, on the same database and PREFECT_HOME.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.fixtures import units
from tests.fixtures.prefect_server import (
    PREFECT,
    STARTUP_SECONDS,
    clean_environment,
    create_database,
    free_port,
    start_service,
)

pytestmark = [pytest.mark.server, pytest.mark.postgres, pytest.mark.slow]

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / "ops" / "systemd" / "prefect-server.env.example"
LIMIT = "datos-cali-portal-writes"
LEASE_SECONDS = 60  # Prefect's minimum; the flows use the same (flows/common.py)
EXPIRY_WAIT_SECONDS = 240


def example_setting(name: str) -> str:
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} no está en {ENV_EXAMPLE.name}")


class Restartable:
    """`prefect server start` that can be stopped and started again on the same state."""

    def __init__(self, root: Path, database: str, **settings: str):
        self.root, self.port = root, free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        self.env = clean_environment(
            PREFECT_HOME=str(root),
            PREFECT_SERVER_DATABASE_CONNECTION_URL=database.replace(
                "postgresql+psycopg://", "postgresql+asyncpg://"
            ),
            PREFECT_SERVER_UI_ENABLED="false",
            **settings,
        )
        self.service = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        command = [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)]
        log = self.root / f"server-{self.starts}.log"
        self.service = start_service(command, self.env, log, units.SERVER_UNIT, self.root)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.api}/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        pytest.fail(f"El servidor no arrancó:\n{self.service.output()}", pytrace=False)

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()

    def call(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = httpx.request(method, f"{self.api}{path}", timeout=60, **kwargs)
        response.raise_for_status()
        return response

    def active_slots(self) -> int:
        return self.call("GET", f"/v2/concurrency_limits/{LIMIT}").json()["active_slots"]


def held_across_a_restart(tmp_path: Path, postgres_url: str, **settings: str) -> tuple[int, int]:
    """Take a slot on a 60-s lease, restart the server, wait past the lease: (slots right after
    the restart, slots after the wait)."""
    database = create_database(postgres_url, f"prefect_{uuid.uuid4().hex[:8]}")
    server = Restartable(tmp_path, database, **settings)
    server.start()
    try:
        server.call("POST", "/v2/concurrency_limits/", json={"name": LIMIT, "limit": 2})
        server.call(
            "POST",
            "/v2/concurrency_limits/increment-with-lease",
            json={"names": [LIMIT], "slots": 1, "mode": "concurrency", "lease_duration": 60},
        )
        server.stop()  # the holder never renews: it died with the server's host, say
        server.start()
        after_restart = server.active_slots()
        deadline = time.monotonic() + EXPIRY_WAIT_SECONDS
        while time.monotonic() < deadline and server.active_slots():
            time.sleep(3)
        return after_restart, server.active_slots()
    finally:
        server.stop()


def test_with_the_documented_lease_storage_a_slot_outlives_a_restart_and_expires(
    tmp_path, postgres_url
):
    name = "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE"
    storage = example_setting(name)
    assert storage == "prefect.server.concurrency.lease_storage.filesystem"
    assert held_across_a_restart(tmp_path, postgres_url, **{name: storage}) == (1, 0)


def test_with_prefects_default_storage_a_restart_leaves_the_slot_taken(tmp_path, postgres_url):
    """Why the setting is there: in memory, the lease is forgotten and the slot never returns."""
    after_restart, after_wait = held_across_a_restart(tmp_path, postgres_url)
    assert (after_restart, after_wait) == (1, 1)
