"""An immediate run of a dataset's deployment, asked of Prefect's server over its REST API.

Optional: when `DATOS_CALI_PREFECT_API_URL` is set (e.g. `http://prefect:4200/api`), sending a
file also asks for a run of the dataset's deployment (`publicar-conjunto/<slug>`, as
`prefect.yaml` declares it) instead of waiting for its schedule. Plain HTTP with `requests`:
the ventanilla never imports Prefect. If the request fails, the file is in the inbox anyway
and the scheduled run takes it; the page says so.
"""

from __future__ import annotations

import requests

FLOW_NAME = "publicar-conjunto"
TIMEOUT_S = 10
FAILED = (
    "No se pudo pedir la ejecución inmediata a Prefect ({reason}); el archivo quedó en la "
    "bandeja y se publicará en la próxima ejecución programada."
)


class ImmediateRunFailed(Exception):
    pass


def request_run(api_url: str, slug: str) -> str:
    """The id of the flow run Prefect scheduled for now."""
    base = api_url.rstrip("/")
    try:
        found = requests.get(f"{base}/deployments/name/{FLOW_NAME}/{slug}", timeout=TIMEOUT_S)
        if found.status_code == 404:
            raise ImmediateRunFailed(FAILED.format(reason=f"no hay despliegue «{slug}»"))
        found.raise_for_status()
        created = requests.post(
            f"{base}/deployments/{found.json()['id']}/create_flow_run",
            json={"tags": ["ventanilla"]},
            timeout=TIMEOUT_S,
        )
        created.raise_for_status()
        return str(created.json()["id"])
    except (requests.RequestException, KeyError, ValueError) as exc:
        raise ImmediateRunFailed(FAILED.format(reason=type(exc).__name__)) from None
