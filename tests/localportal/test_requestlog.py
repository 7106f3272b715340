"""The request log: every request in order, what upserts carried, persisted, and over HTTP."""

from __future__ import annotations

from datetime import datetime

import requests

from tests.localportal.helpers import create_dataset, public_dataset


def test_every_request_is_logged_in_order_with_what_an_upsert_carried(portal, client):
    dataset = create_dataset(client)
    client.upsert(dataset, [{"codigo": "A"}, {"codigo": "B", ":deleted": True}, {"valor": 1}])
    client.get(dataset)

    create, upsert, read = portal.request_log()

    assert (create.method, create.path, create.status) == ("POST", "/api/views.json", 200)
    assert create.dataset_id == dataset  # the id the portal gave the new view
    assert upsert.path == f"/resource/{dataset}.json" and upsert.dataset_id == dataset
    assert upsert.rows == 3 and upsert.row_ids == ["A", "B"]
    assert upsert.body_bytes > 0 and upsert.authenticated and upsert.app_token
    assert read.rows is None and read.row_ids == [] and read.body_bytes == 0
    assert create.id < upsert.id < read.id
    assert isinstance(read.at, datetime) and read.elapsed_ms >= 0
    assert len({create.request_id, upsert.request_id, read.request_id}) == 3
    assert read.fault is None


def test_the_log_id_matches_the_response_request_id(portal, client):
    dataset = public_dataset(client)
    answer = requests.get(f"{portal.url}/resource/{dataset}.json", params={"comuna": "Comuna 1"})
    entry = portal.request_log()[-1]
    assert entry.request_id == answer.headers["X-Socrata-RequestId"]
    assert entry.query == "comuna=Comuna+1" and entry.status == 200
    assert not entry.app_token and not entry.authenticated


def test_since_and_clear(portal, client):
    create_dataset(client)
    marker = portal.request_log()[-1].id
    create_dataset(client)
    assert len(portal.request_log(since_id=marker)) == 1
    portal.clear_request_log()
    assert portal.request_log() == []
    create_dataset(client)
    assert portal.request_log()[0].id > marker  # ids never go back


def test_the_log_is_served_over_http_and_admin_calls_are_not_logged(portal, client, owner):
    dataset = create_dataset(client)
    client.upsert(dataset, [{"codigo": "A"}])
    first = owner.get(f"{portal.url}/_portal/requests.json").json()
    second = owner.get(f"{portal.url}/_portal/requests.json", params={"since": first[0]["id"]})
    assert [e["path"] for e in first] == ["/api/views.json", f"/resource/{dataset}.json"]
    assert second.json() == first[1:]
    assert first[1]["row_ids"] == ["A"] and first[1]["at"].endswith("+00:00")
    assert owner.get(f"{portal.url}/_portal/requests.json?since=x").status_code == 400
    assert owner.delete(f"{portal.url}/_portal/requests.json").status_code == 200
    assert portal.request_log() == []


def test_secrets_never_reach_the_log(portal, client, owner):
    dataset = public_dataset(client)
    token = portal.credentials.app_token
    requests.get(f"{portal.url}/resource/{dataset}.json", params={"$$app_token": token})
    entry = portal.request_log()[-1]
    assert entry.app_token and token not in entry.query
    text = owner.get(f"{portal.url}/_portal/requests.json").text
    for secret in (token, portal.credentials.key_secret, portal.credentials.key_id):
        assert secret not in text
