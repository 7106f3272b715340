"""One run sequence: the library, the Prefect flow and `datos-cali run` take the same steps."""

from __future__ import annotations

import pytest
from prefect.client.orchestration import get_client

from datos_cali import events
from datos_cali.ledger import open_ledger
from datos_cali.pipeline import run_dataset
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths
from datos_cali_flows.publish import publish_dataset
from tests.cli.conftest import cli  # noqa: F401  (the CLI runner fixture)
from tests.flows.test_publish_flows import task_runs_of

pytestmark = pytest.mark.prefect
BAD = "Año;Mes;Índice (2015=100);Variación anual (%)\r\n2016;enero;x;\r\n".encode("cp1252")


@pytest.fixture
def steps():
    """The steps each dataset's run announced, in order."""
    seen: dict[str, list[str]] = {}

    def record(kind: str, data: dict) -> None:
        if kind == "step":
            seen.setdefault(data["slug"], []).append(data["step"])

    stop = events.subscribe(record)
    yield seen
    stop()


def _two_alike(mini, data: bytes | None = None) -> tuple[str, str]:
    library = mini.add("imae-libreria", {"kind": "inbox", "pattern": "LIB*"})
    flow = mini.add("imae-flujo-igual", {"kind": "inbox", "pattern": "FLUJO*"})
    mini.drop_in_inbox("LIB_IMAE.csv", data)
    mini.drop_in_inbox("FLUJO_IMAE.csv", data)
    return library, flow


def _library_run(slug: str):
    with PortalSession(paths().state) as session, open_ledger() as ledger:
        return run_dataset(slug, session, ledger)


def test_the_library_and_the_flow_take_the_same_steps(mini, steps):
    library, flow = _two_alike(mini)
    assert _library_run(library).outcome == publish_dataset(flow).outcome == "published"
    assert steps[library] == steps[flow] == ["recover", "ingest", "check", "deliver", "finish"]
    with open_ledger() as ledger:
        [row] = ledger.runs(dataset=flow)
    tasks = sorted(task_runs_of(row.flow_run_id), key=lambda t: t["start_time"])
    names = [t["name"].rsplit("-", 1)[0] for t in tasks]
    # Great Expectations runs beside the delivery, so those two may start in either order.
    assert names[0] == "ingerir" and names[3] == "registrar"
    assert sorted(names[1:3]) == ["expectativas", "publicar-en-portal"]


def test_a_rejected_file_stops_both_at_the_same_step(mini, steps):
    library, flow = _two_alike(mini, BAD)
    assert _library_run(library).outcome == publish_dataset(flow).outcome == "rejected"
    assert steps[library] == steps[flow] == ["recover", "ingest", "finish"]


def _flow_name(flow_run_id: str) -> str:
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        return client.read_flow(run.flow_id).name


def test_datos_cali_run_runs_the_deployments_flows(mini, cli, steps):  # noqa: F811
    one = mini.add("imae-cli-uno", {"kind": "inbox", "pattern": "UNO*"})
    two = mini.add("imae-cli-dos", {"kind": "inbox", "pattern": "DOS*"})
    mini.drop_in_inbox("UNO_IMAE.csv")
    mini.drop_in_inbox("DOS_IMAE.csv")

    assert cli("run", one).exit_code == 0
    assert cli("run", one, two).exit_code == 0

    with open_ledger() as ledger:
        first = ledger.runs(dataset=one)[-1]  # oldest: the single-dataset run
        swept = ledger.runs(dataset=two)[0]
    assert _flow_name(first.flow_run_id) == "publicar-conjunto"  # as its deployment
    assert _flow_name(swept.flow_run_id) == "publicar-varios"  # as the sweeps
    assert steps[one][:5] == steps[two][:5] == ["recover", "ingest", "check", "deliver", "finish"]
