"""An immediate run asked of a real Prefect server over its REST API (the session's harness)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import requests

from datos_cali.ventanilla.immediate import FLOW_NAME, ImmediateRunFailed, request_run
from tests.ventanilla.conftest import VACUNACION, upload_id

pytestmark = pytest.mark.prefect


@pytest.fixture
def prefect_api(prefect_harness):
    from prefect.settings import PREFECT_API_URL  # the harness's server, set while it runs

    api = PREFECT_API_URL.value().rstrip("/")
    flow = requests.post(f"{api}/flows/", json={"name": FLOW_NAME}, timeout=30)
    assert flow.ok, (flow.status_code, flow.text)
    flow = flow.json()
    deployment = requests.post(
        f"{api}/deployments/",
        json={
            "name": "vacunacion-covid19",
            "flow_id": flow["id"],
            "parameters": {"slug": "vacunacion-covid19"},
        },
        timeout=30,
    )
    assert deployment.ok, (deployment.status_code, deployment.text)
    return api, deployment.json()["id"]


def test_a_flow_run_of_the_datasets_deployment_is_scheduled_now(prefect_api):
    api, deployment_id = prefect_api
    flow_run_id = request_run(api, "vacunacion-covid19")
    run = requests.get(f"{api}/flow_runs/{flow_run_id}", timeout=30).json()
    assert run["deployment_id"] == deployment_id
    assert run["state"]["type"] == "SCHEDULED" and "ventanilla" in run["tags"]
    with pytest.raises(ImmediateRunFailed, match="no hay despliegue «no-existe»"):
        request_run(api, "no-existe")
    with pytest.raises(ImmediateRunFailed, match="próxima ejecución programada"):
        request_run("http://127.0.0.1:9/api", "vacunacion-covid19")


def test_sending_asks_for_the_run_and_keeps_its_id_on_the_receipt(prefect_api, ventanilla, smtp):
    api, deployment_id = prefect_api
    ventanilla.service.settings = replace(ventanilla.service.settings, prefect_api_url=api)
    ventanilla.user("ana@salud.gov.co")
    clerk = ventanilla.client("ana@salud.gov.co")
    number = upload_id(clerk.upload(VACUNACION.read_bytes(), VACUNACION.name))
    assert "se pedirá una ejecución ahora" in clerk.get(f"/envios/{number}").text
    clerk.send(number)
    receipt = ventanilla.store.receipt(number)
    run = requests.get(f"{api}/flow_runs/{receipt.flow_run_id}", timeout=30).json()
    assert run["deployment_id"] == deployment_id
    [mail] = smtp.wait_for(1)
    assert "se pidió una ejecución inmediata" in mail.get_body(("plain",)).get_content()
