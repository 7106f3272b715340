"""With credentials configured, nothing a run leaves behind contains them: Prefect logs and
artifacts, the JSON reports, the ledger, every file under the state folder, stdout/stderr —
neither for a run that succeeds nor for one the portal refuses."""

from __future__ import annotations

import base64
import logging

import pytest

from datos_cali.localportal import Credentials, LocalPortal
from datos_cali.settings import paths

pytestmark = pytest.mark.prefect

CREDS = Credentials(
    app_token="APPTOKEN-ULTRASECRETO-9f3k2",
    key_id="KEYID-ULTRASECRETO-7a1b",
    key_secret="CLAVE-ULTRASECRETA-55x9",
    ckan_token="CKANTOKEN-ULTRASECRETO-3c8d",
)


def forbidden() -> list[str]:
    basic = base64.b64encode(f"{CREDS.key_id}:{CREDS.key_secret}".encode()).decode()
    return [CREDS.app_token, CREDS.key_id, CREDS.key_secret, CREDS.ckan_token, basic]


def prefect_texts(flow_run_ids: list[str]) -> list[str]:
    from prefect.client.orchestration import get_client

    texts = []
    with get_client(sync_client=True) as client:
        for kind in ("logs", "artifacts"):
            filter_key = "logs" if kind == "logs" else "artifacts"
            body = {filter_key: {"flow_run_id": {"any_": flow_run_ids}}, "limit": 200, "offset": 0}
            if kind == "artifacts":
                body["sort"] = "CREATED_DESC"
            texts.append(client.request("POST", f"/{kind}/filter", json=body).text)
        for run_id in flow_run_ids:
            texts.append(client.request("GET", f"/flow_runs/{run_id}").text)
    return texts


def test_no_secret_reaches_logs_artifacts_reports_or_ledger(
    flow_process, keyed, mini, tmp_path, monkeypatch, caplog, capfd
):
    from datos_cali.ledger import open_ledger
    from datos_cali_flows.publish import publish_dataset
    from tests.reliability.conftest import local_portal_env, to_csv_bytes, vaccination

    caplog.set_level(logging.DEBUG)
    keyed = mini.add(
        "vacunas-secretos",
        {"kind": "inbox", "pattern": "vacunas*"},
        template="vacunacion-covid19",
        targets=("datos.gov.co", "datos.cali.gov.co"),
    )
    portal = LocalPortal(tmp_path / "portal", credentials=CREDS).start()
    try:
        for name, value in local_portal_env(portal).items():
            monkeypatch.setenv(name, value)
        mini.drop_in_inbox("vacunas.csv", to_csv_bytes(vaccination(500)))
        first = publish_dataset(keyed)
        assert first.outcome == "published" and len(first.targets) == 2

        from datos_cali_flows import common

        common.close()
        monkeypatch.setenv("SOCRATA_KEY_SECRET", CREDS.key_secret + "-EQUIVOCADA")
        monkeypatch.setenv("CKAN_API_TOKEN", CREDS.ckan_token + "-EQUIVOCADO")
        mini.drop_in_inbox("vacunas.csv", to_csv_bytes(vaccination(600)))
        refused = publish_dataset(keyed)
        assert refused.outcome == "failed" and "rechazó las credenciales" in refused.message

        with open_ledger() as ledger:
            rows = ledger.runs(dataset=keyed)
        texts = [repr(r.__dict__) for r in rows]
        texts += prefect_texts([r.flow_run_id for r in rows if r.flow_run_id])
        texts += [caplog.text, *capfd.readouterr()]
        for path in paths().state.rglob("*"):
            if path.is_file():
                texts.append(path.read_bytes().decode("utf-8", errors="replace"))
        assert len(texts) > 5
        for secret in [
            *forbidden(),
            CREDS.key_secret + "-EQUIVOCADA",
            CREDS.ckan_token + "-EQUIVOCADO",
        ]:
            leaks = [t[:80] for t in texts if secret in t]
            assert not leaks, (secret, leaks)
    finally:
        portal.stop()
