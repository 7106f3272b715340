"""The real-server suite: one Prefect server (PostgreSQL), the deployments of prefect.yaml, and a
process worker on a "host" of its own (its own checkout folder, state folder and working
directory; the ledger on PostgreSQL), all shared by the session.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import yaml

from datos_cali.deployments import WORK_POOL
from tests.conftest import PROJECT_ROOT
from tests.fixtures import postgres
from tests.fixtures import prefect_server as server_fixture
from tests.fixtures.prefect_server import (
    PrefectServer,
    Service,
    WorkerHost,
    create_database,
    make_worker_host,
    start_worker,
)

# The session's fixtures, under the names the tests ask for.
postgres_url = postgres.postgres_url
prefect_server = server_fixture.prefect_server


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


# The worker host's checkout differs from the repository in one title, so a test can tell
# which catalog a run read: the host's own, never the deployer's.
HOST_DATASET = "dagma/areas-proteccion-forestal.yaml"
HOST_TITLE = "Áreas de protección forestal (copia del equipo 1)"


@pytest.fixture(scope="session")
def worker_host(tmp_path_factory, postgres_url: str, prefect_server: PrefectServer) -> WorkerHost:
    ledger = create_database(postgres_url, f"ledger_{uuid.uuid4().hex[:8]}")
    host = make_worker_host(tmp_path_factory.mktemp("host"), ledger, prefect_server)
    entry = host.home / "datasets" / HOST_DATASET
    text = entry.read_text(encoding="utf-8")
    assert "\ntitle: Áreas de protección forestal\n" in text
    entry.write_text(text.replace("Áreas de protección forestal\n", f"{HOST_TITLE}\n", 1))
    return host


@pytest.fixture(scope="session")
def worker(prefect_server: PrefectServer, worker_host: WorkerHost, ready) -> Iterator[Service]:
    service = start_worker(prefect_server, worker_host, "equipo-1")
    yield service
    service.stop()
