"""`prefect deploy --all` from the generated prefect.yaml, on a real server, as an operator does it.

Before this suite, the pinned FastAPI answered 422 to Prefect's own client (deploy stopped after
the first deployment), and the pinned SQLAlchemy made the scheduler fail on every loop (no cron
ever created a run): neither is visible under Prefect's test harness.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from datos_cali.deployments import PULL_STEP, WORK_POOL
from datos_cali.settings import OFFICE_ZONE
from tests.conftest import PROJECT_ROOT
from tests.server.conftest import prefect_yaml

pytestmark = [pytest.mark.server, pytest.mark.postgres]

SCHEDULER_WAIT_SECONDS = 90


def deployments_on_server(server) -> dict[str, dict]:
    found = server.api("POST", "/deployments/filter", json={"limit": 200}).json()
    return {deployment["name"]: deployment for deployment in found}


def test_the_work_pool_is_created_and_deploy_all_exits_0(deployed):
    assert deployed.pool.returncode == 0, deployed.pool.stdout + deployed.pool.stderr
    assert deployed.deploy.returncode == 0, deployed.deploy.stdout + deployed.deploy.stderr
    assert "Traceback" not in deployed.deploy.stdout + deployed.deploy.stderr


def test_every_deployment_of_prefect_yaml_is_on_the_server_as_written(prefect_server, ready):
    wanted = {d["name"]: d for d in prefect_yaml()["deployments"]}
    stored = deployments_on_server(prefect_server)
    assert set(stored) == set(wanted)
    for name, spec in wanted.items():
        deployment = stored[name]
        assert deployment["entrypoint"] == spec["entrypoint"], name
        assert deployment["parameters"] == spec["parameters"], name
        assert deployment["tags"] == spec["tags"], name
        assert deployment["work_pool_name"] == WORK_POOL, name
        schedules = [
            {
                "cron": s["schedule"]["cron"],
                "timezone": s["schedule"]["timezone"],
                "active": s["active"],
            }
            for s in deployment["schedules"]
            if "cron" in s["schedule"]  # not the one test_schedule.py adds
        ]
        assert schedules == spec["schedules"], name


def test_stored_deployments_name_no_path_of_the_deploying_host(prefect_server, ready):
    """The worker's own DATOS_CALI_HOME is entered on the worker; nothing of the deployer's
    checkout (deployed with DATOS_CALI_HOME set to it) reaches the server."""
    for name, deployment in deployments_on_server(prefect_server).items():
        assert deployment["pull_steps"] == [{PULL_STEP: {}}], name
        assert deployment["path"] is None, name
        assert str(PROJECT_ROOT) not in json.dumps(deployment), name


def _field_matches(field: str, value: int) -> bool:
    return field == "*" or value in {int(part) for part in field.split(",")}


def cron_matches(cron: str, moment: dt.datetime) -> bool:
    """Whether `moment` is an occurrence of a cron line made of numbers, lists and `*`."""
    minute, hour, day, month, weekday = cron.split()
    return (
        _field_matches(minute, moment.minute)
        and _field_matches(hour, moment.hour)
        and _field_matches(day, moment.day)
        and _field_matches(month, moment.month)
        and _field_matches(weekday, moment.isoweekday() % 7)
    )


def next_scheduled_run(server, deployment: dict) -> dict | None:
    """The first run the deployment's cron schedule created, if any yet."""
    schedule = next(s["id"] for s in deployment["schedules"] if "cron" in s["schedule"])
    found = server.api(
        "POST",
        "/flow_runs/filter",
        json={
            "deployments": {"id": {"any_": [deployment["id"]]}},
            "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
            "sort": "EXPECTED_START_TIME_ASC",
            "limit": 10,
        },
    ).json()
    mine = [run for run in found if (run["created_by"] or {}).get("id") == schedule]
    return mine[0] if mine else None


def test_the_scheduler_turns_every_cron_schedule_into_flow_runs(prefect_server, ready):
    """The server's scheduler service (2 s loop here, 60 s in production) creates the next run
    of every deployment at a time its cron says, in Bogotá time."""
    crons = {
        d["name"]: d["schedules"][0]["cron"]
        for d in prefect_yaml()["deployments"]
        if d["schedules"]
    }
    stored = deployments_on_server(prefect_server)
    deadline = time.monotonic() + SCHEDULER_WAIT_SECONDS
    pending = set(crons)
    runs: dict[str, dict] = {}
    while pending and time.monotonic() < deadline:
        for name in sorted(pending):
            if (run := next_scheduled_run(prefect_server, stored[name])) is not None:
                runs[name] = run
                pending.discard(name)
        time.sleep(1)
    assert pending == set()
    bogota = OFFICE_ZONE
    for name, run in runs.items():
        assert run["auto_scheduled"], name
        when = dt.datetime.fromisoformat(run["expected_start_time"]).astimezone(bogota)
        assert when > dt.datetime.now(bogota), (name, when)
        assert cron_matches(crons[name], when), (name, crons[name], when)
