"""What an installation sets up once on its Prefect server, from its own configuration:

    the portal-write limit   global concurrency limit `datos-cali-portal-writes`, sized by
                             `DATOS_CALI_PORTAL_WRITES`; runs only take slots (never create or
                             resize it, except creating it when missing, at the default size, so
                             a local run works), on leases that expire when their holder dies
    the crash automation     a flow run whose heartbeats stop (host lost, `kill -9`) is marked
                             CRASHED, instead of staying RUNNING forever
    the Secret blocks        the portals' credentials, from the environment of the operator

`datos-cali servidor preparar` runs the first two (after `prefect deploy --all`, and again when
the configuration changes); `datos-cali servidor secretos` the third. Both are idempotent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

from prefect.automations import Automation
from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import (
    GlobalConcurrencyLimitCreate,
    GlobalConcurrencyLimitUpdate,
)
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification
from prefect.exceptions import ObjectNotFound
from prefect.settings import get_current_settings

from datos_cali_flows.common import (
    CRASH_AUTOMATION,
    MISSED_HEARTBEATS,
    PORTAL_WRITES,
    portal_write_limit,
)

CRASH_MESSAGE = (
    "El equipo que ejecutaba este flujo dejó de enviar latidos (equipo perdido o proceso "
    "terminado); la próxima ejecución del conjunto registra lo que el portal recibió."
)
FINAL_EVENTS = (
    "prefect.flow-run.Completed",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Cancelled",
    "prefect.flow-run.Crashed",
)
HEARTBEAT = "prefect.flow-run.heartbeat"

# Secret block → the environment variables its value may come from, in order.
SECRET_BLOCKS = {
    "socrata-key-id": ("SOCRATA_KEY_ID", "SOCRATA_USERNAME"),
    "socrata-key-secret": ("SOCRATA_KEY_SECRET", "SOCRATA_PASSWORD"),
    "socrata-app-token": ("SOCRATA_APP_TOKEN",),
    "ckan-api-token": ("CKAN_API_TOKEN",),
}


@dataclass(frozen=True)
class Prepared:
    limit: int
    limit_changed: bool
    heartbeat_seconds: int
    crashed_after_seconds: int
    automation_changed: bool


def heartbeat_seconds() -> int:
    """The flow runs' heartbeat period (`PREFECT_FLOWS_HEARTBEAT_FREQUENCY`, alias
    `PREFECT_RUNNER_HEARTBEAT_FREQUENCY`; Prefect's minimum is 30 s). Set the same value on the
    workers and where this command runs."""
    return max(30, int(get_current_settings().flows.heartbeat_frequency or 180))


def crash_automation(frequency: int) -> Automation:
    """After a heartbeat, expect another heartbeat or a final state within MISSED_HEARTBEATS
    periods, per flow run; otherwise mark the run CRASHED (Prefect's documented recipe)."""
    return Automation(
        name=CRASH_AUTOMATION,
        description="Creada por «datos-cali servidor preparar»; no la edite a mano.",
        trigger=EventTrigger(
            after={HEARTBEAT},
            expect={HEARTBEAT, *FINAL_EVENTS},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=frequency * MISSED_HEARTBEATS),
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED, message=CRASH_MESSAGE)],
    )


def ensure_crash_automation(frequency: int | None = None) -> bool:
    """Create the automation, or replace it when its window differs; True if it changed."""
    wanted = crash_automation(frequency or heartbeat_seconds())
    try:
        current = Automation.read(name=CRASH_AUTOMATION)
    except ValueError:  # Prefect: "Automation with name … not found"
        current = None
    if current is not None:
        if current.trigger.within == wanted.trigger.within and current.enabled:
            return False
        current.delete()
    wanted.create()
    return True


def ensure_write_limit(size: int | None = None) -> bool:
    """Create or resize the portal-write limit to `size` (`DATOS_CALI_PORTAL_WRITES`); True if
    it changed. The only place that resizes it."""
    size = size or portal_write_limit()
    with get_client(sync_client=True) as client:
        try:
            current = client.read_global_concurrency_limit_by_name(PORTAL_WRITES)
        except ObjectNotFound:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=PORTAL_WRITES, limit=size, active=True)
            )
            return True
        if current.limit == size and current.active:
            return False
        client.update_global_concurrency_limit(
            PORTAL_WRITES, GlobalConcurrencyLimitUpdate(limit=size, active=True)
        )
        return True


def prepare() -> Prepared:
    frequency = heartbeat_seconds()
    size = portal_write_limit()
    limit_changed = ensure_write_limit(size)
    automation_changed = ensure_crash_automation(frequency)
    return Prepared(
        size, limit_changed, frequency, frequency * MISSED_HEARTBEATS, automation_changed
    )


def secrets_from_environment() -> dict[str, str]:
    """The Secret blocks' values set in this environment (block name → value)."""
    found = {}
    for block, variables in SECRET_BLOCKS.items():
        value = next((os.environ[v] for v in variables if os.environ.get(v)), None)
        if value:
            found[block] = value
    return found


def save_secrets(values: dict[str, str]) -> list[str]:
    """Save (overwrite) each Secret block; the names saved."""
    for name, value in values.items():
        Secret(value=value).save(name, overwrite=True)
    return list(values)
