"""Contract: credentials, status codes, Socrata error bodies and the request id header."""

from __future__ import annotations

import pytest
import requests
from sodapy import Socrata

from tests.localportal.helpers import create_dataset, public_dataset


def _is_socrata_error(answer: requests.Response, status: int, code: str) -> None:
    assert answer.status_code == status
    body = answer.json()
    assert body["error"] is True and body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["data"], dict)


def test_writes_without_credentials_are_401(portal, client):
    dataset = create_dataset(client)
    url = portal.url
    for method, path, body in (
        ("POST", "/api/views.json", {"name": "x"}),
        ("PUT", f"/api/views/{dataset}.json", {"name": "y"}),
        ("POST", f"/api/views/{dataset}/publication.json", None),
        ("POST", f"/resource/{dataset}.json", [{"codigo": "A"}]),
        ("PUT", f"/resource/{dataset}.json", [{"codigo": "A"}]),
        ("DELETE", f"/resource/{dataset}/A.json", None),
        ("DELETE", f"/api/views/{dataset}.json", None),
    ):
        answer = requests.request(method, url + path, json=body)
        _is_socrata_error(answer, 401, "authentication_required")
    assert client.get(dataset) == []  # nothing was written


def test_wrong_credentials_are_403(portal, client):
    dataset = public_dataset(client)
    wrong = ("nobody", "wrong-secret")
    answer = requests.post(f"{portal.url}/resource/{dataset}.json", json=[{}], auth=wrong)
    _is_socrata_error(answer, 403, "permission_denied")
    with (
        Socrata(
            portal.domain,
            None,
            username="nobody",
            password="wrong-secret",
            session_adapter={"prefix": "http://", "adapter": requests.adapters.HTTPAdapter()},
        ) as intruder,
        pytest.raises(requests.HTTPError) as raised,
    ):
        intruder.upsert(dataset, [{"codigo": "A"}])
    assert raised.value.response.status_code == 403


def test_private_views_are_403_for_anonymous_readers(portal, client):
    dataset = create_dataset(client)
    for path in (
        f"/api/views/{dataset}.json",
        f"/resource/{dataset}.json",
        f"/api/views/{dataset}/rows.csv",
    ):
        _is_socrata_error(requests.get(portal.url + path), 403, "permission_denied")


def test_missing_dataset_is_404_not_found(portal, client):
    answer = requests.get(f"{portal.url}/api/views/abcd-1234.json")
    _is_socrata_error(answer, 404, "not_found")
    assert answer.json()["message"] == "Cannot find view with id abcd-1234"
    _is_socrata_error(requests.get(f"{portal.url}/resource/abcd-1234.json"), 404, "not_found")
    with pytest.raises(requests.HTTPError) as raised:
        client.upsert("abcd-1234", [{"codigo": "A"}])
    assert raised.value.response.status_code == 404


def test_malformed_bodies_are_400(portal, owner, client):
    dataset = create_dataset(client)
    for path in ("/api/views.json", f"/resource/{dataset}.json"):
        answer = owner.post(portal.url + path, data=b"{not json")
        _is_socrata_error(answer, 400, "invalid_request")
    answer = owner.post(f"{portal.url}/resource/{dataset}.json", json={"rows": 3})
    _is_socrata_error(answer, 400, "invalid_request")  # an object with unknown fields
    answer = owner.post(f"{portal.url}/resource/{dataset}.json", json="text")
    _is_socrata_error(answer, 400, "invalid_request")
    answer = owner.put(
        f"{portal.url}/api/views/{dataset}.json", params={"method": "setPermission", "value": "x"}
    )
    _is_socrata_error(answer, 400, "invalid_request")


def test_unknown_routes_and_methods(portal):
    _is_socrata_error(requests.get(f"{portal.url}/api/nothing"), 404, "not_found")
    answer = requests.patch(f"{portal.url}/api/views.json")
    _is_socrata_error(answer, 405, "method_not_allowed")
    assert "POST" in answer.headers["Allow"]


def test_every_response_carries_a_unique_request_id(portal, client):
    dataset = public_dataset(client)
    answers = [
        requests.get(f"{portal.url}/resource/{dataset}.json"),
        requests.get(f"{portal.url}/api/views/zzzz-zzzz.json"),
        requests.get(f"{portal.url}/d/{dataset}"),
        requests.get(f"{portal.url}/_portal/health"),
        requests.post(f"{portal.url}/api/views.json"),
    ]
    request_ids = [answer.headers["X-Socrata-RequestId"] for answer in answers]
    assert all(len(rid) == 32 for rid in request_ids)
    assert len(set(request_ids)) == len(request_ids)


def test_app_token_is_optional_for_public_reads(portal, client):
    dataset = public_dataset(client)
    assert requests.get(f"{portal.url}/resource/{dataset}.json").status_code == 200
    token = {"X-App-Token": portal.credentials.app_token}
    assert requests.get(f"{portal.url}/resource/{dataset}.json", headers=token).status_code == 200


def test_credentials_never_show_in_repr(portal):
    shown = repr(portal.credentials)
    assert portal.credentials.key_secret not in shown
    assert portal.credentials.app_token not in shown
    assert portal.credentials.ckan_token not in shown
