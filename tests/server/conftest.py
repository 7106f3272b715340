"""The real-server suite: one Prefect server (PostgreSQL), the deployments of prefect.yaml, and a
process worker on a "host" of its own (its own checkout folder, state folder and working
directory; the ledger on PostgreSQL), all shared by the session.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from datos_cali.deployments import WORK_POOL
from tests.conftest import PROJECT_ROOT
from tests.fixtures import postgres, units
from tests.fixtures import prefect_server as server_fixture
from tests.fixtures.prefect_server import (
    BIN,
    PREFECT,
    PrefectServer,
    Service,
    create_database,
    start_service,
)

# The session's fixtures, under the names the tests ask for.
postgres_url = postgres.postgres_url
prefect_server = server_fixture.prefect_server

WORKER_STARTUP_SECONDS = 120
# What a worker host's checkout needs: the catalog, the contracts, the quality settings, demo.
CHECKOUT = ("datasets", "schemas", "quality", "demo")


def prefect_yaml() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))


@dataclass
class Deployed:
    """The operator's set-up: `prefect work-pool create` then `prefect deploy --all`."""

    pool: subprocess.CompletedProcess
    deploy: subprocess.CompletedProcess
    seconds: float  # of `prefect deploy --all`


@pytest.fixture(scope="session")
def deployed(prefect_server: PrefectServer) -> Deployed:
    pool = prefect_server.cli("work-pool", "create", WORK_POOL, "--type", "process")
    # From the repository's checkout, with DATOS_CALI_HOME set as the old README told: the
    # server must keep none of it (tests/server/test_deploy.py).
    env = prefect_server.env(DATOS_CALI_HOME=str(PROJECT_ROOT))
    started = time.monotonic()
    deploy = prefect_server.cli("--no-prompt", "deploy", "--all", cwd=PROJECT_ROOT, env=env)
    return Deployed(pool=pool, deploy=deploy, seconds=time.monotonic() - started)


@pytest.fixture(scope="session")
def ready(deployed: Deployed) -> Deployed:
    """The deployments exist; tests that need them (not the ones that check it) use this."""
    for step in (deployed.pool, deployed.deploy):
        if step.returncode != 0:
            pytest.fail(f"{step.args}: salió con {step.returncode}\n{step.stdout}\n{step.stderr}")
    return deployed


@dataclass
class WorkerHost:
    """Another machine, as far as a worker can tell: its own checkout, state and cwd."""

    home: Path  # DATOS_CALI_HOME: a copy of the catalog, not the repository
    state: Path  # DATOS_CALI_STATE
    workdir: Path  # where the worker is started
    ledger_url: str  # DATOS_CALI_DB_URL, PostgreSQL

    def env(self, server: PrefectServer) -> dict[str, str]:
        return server.env(
            DATOS_CALI_HOME=str(self.home),
            DATOS_CALI_STATE=str(self.state),
            DATOS_CALI_DB_URL=self.ledger_url,
        )


@pytest.fixture(scope="session")
def worker_host(tmp_path_factory, postgres_url: str, prefect_server: PrefectServer) -> WorkerHost:
    root = tmp_path_factory.mktemp("host")
    for folder in CHECKOUT:
        shutil.copytree(PROJECT_ROOT / folder, root / "checkout" / folder)
    host = WorkerHost(
        home=root / "checkout",
        state=root / "state",
        workdir=root / "cwd",
        ledger_url=create_database(postgres_url, f"ledger_{uuid.uuid4().hex[:8]}"),
    )
    host.workdir.mkdir()
    demo = subprocess.run(
        [str(BIN / "datos-cali"), "demo"],
        env=host.env(prefect_server),
        cwd=host.workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    return host


def start_worker(server: PrefectServer, host: WorkerHost, name: str) -> Service:
    """`prefect worker start --pool datos-cali`, as ops/systemd/datos-cali-worker@.service runs it."""
    service = start_service(
        [str(PREFECT), "worker", "start", "--pool", WORK_POOL, "--name", name],
        host.env(server),
        host.workdir.parent / f"{name}.log",
        units.WORKER_UNIT,
        host.workdir,
    )
    deadline = time.monotonic() + WORKER_STARTUP_SECONDS
    while "started!" not in service.output():
        if service.process.poll() is not None or time.monotonic() > deadline:
            service.stop()
            pytest.fail(f"El worker {name} no arrancó:\n{service.output()}", pytrace=False)
        time.sleep(0.5)
    return service


@pytest.fixture(scope="session")
def worker(prefect_server: PrefectServer, worker_host: WorkerHost, ready) -> Iterator[Service]:
    service = start_worker(prefect_server, worker_host, "equipo-1")
    yield service
    service.stop()
