"""Persistence: a portal restarted on the same data folder sees everything it had."""

from __future__ import annotations

import requests

from datos_cali.localportal import Credentials, LocalPortal
from tests.localportal.helpers import FakeClock, public_dataset, sodapy_client


def test_restart_keeps_views_rows_counters_credentials_and_the_log(tmp_path):
    clock = FakeClock()
    with LocalPortal(tmp_path, clock=clock).start() as first:
        credentials = first.credentials
        client = sodapy_client(first)
        dataset = public_dataset(client)
        client.upsert(dataset, [{"codigo": "A", "valor": 1}, {"codigo": "B", "valor": 2}])
        requests.get(f"{first.url}/d/{dataset}")
        requests.get(f"{first.url}/api/views/{dataset}/rows.csv")
        before = client.get_metadata(dataset)
        logged = len(first.request_log())

    with LocalPortal(tmp_path, clock=clock).start() as second:
        assert second.credentials == credentials
        client = sodapy_client(second)  # the same key works after the restart
        after = client.get_metadata(dataset)
        assert after["viewCount"] == 1 and after["downloadCount"] == 1
        assert after == before
        assert client.get(dataset) == [{"codigo": "A", "valor": "1"}, {"codigo": "B", "valor": "2"}]
        assert client.upsert(dataset, [{"codigo": "A", "valor": 1}])["Rows Updated"] == 1
        [asset] = client.datasets(ids=[dataset])
        assert asset["resource"]["page_views"]["page_views_last_week"] == 1
        assert len(second.request_log()) == logged + 4


def test_given_credentials_are_used_instead_of_the_stored_ones(tmp_path):
    given = Credentials(app_token="token", key_id="usuario", key_secret="secreto")
    with LocalPortal(tmp_path, credentials=given).start() as portal:
        assert portal.credentials.key_id == "usuario"
        assert portal.credentials.key_secret == "secreto"
        assert portal.credentials.app_token == "token"
        assert len(portal.credentials.ckan_token) == 40  # filled in for the CKAN side
        given_ckan_token = portal.credentials.ckan_token
        ok = requests.post(
            f"{portal.url}/api/views.json", json={"name": "x"}, auth=("usuario", "secreto")
        )
        assert ok.status_code == 200
    with LocalPortal(tmp_path) as portal:
        assert portal.credentials.key_id != "usuario"  # the generated defaults stay put
        assert portal.credentials.ckan_token == given_ckan_token


def test_stop_is_idempotent_and_start_returns_self(tmp_path):
    portal = LocalPortal(tmp_path)
    assert portal.start() is portal and portal.start() is portal
    assert portal.running and portal.url.startswith("http://127.0.0.1:")
    portal.stop()
    portal.stop()
    assert not portal.running
