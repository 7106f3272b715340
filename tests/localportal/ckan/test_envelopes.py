"""Contract: CKAN's envelopes, error types and status codes, as ckanapi and any client see them."""

from __future__ import annotations

import pytest
import requests
from ckanapi.errors import NotAuthorized, NotFound, ValidationError

from datos_cali.localportal import FaultSettings
from tests.localportal.ckan.conftest import call, make_dataset


def test_success_envelope_has_help_success_and_result(portal, ckan):
    make_dataset(ckan)
    answer = call(portal, "package_show", id="movilidad")
    body = answer.json()
    assert answer.status_code == 200 and set(body) == {"help", "success", "result"}
    assert body["success"] is True and body["result"]["name"] == "movilidad"
    assert body["help"] == f"{portal.url}/api/3/action/help_show?name=package_show"
    assert len(answer.headers["X-Request-Id"]) == 32
    helped = requests.get(body["help"]).json()
    assert helped["success"] is True and "package_show" in helped["result"]


def test_both_api_paths_and_get_for_reads(portal, ckan):
    make_dataset(ckan)
    for path in ("/api/3/action/package_show", "/api/action/package_show"):
        answer = requests.get(portal.url + path, params={"id": "movilidad"})
        assert answer.status_code == 200 and answer.json()["result"]["title"] == "Movilidad"


def test_writes_without_the_token_are_authorization_errors(portal, ckan, anonymous):
    answer = call(portal, "package_create", token=False, name="nuevo")
    assert answer.status_code == 403
    assert answer.json() == {
        "help": f"{portal.url}/api/3/action/help_show?name=package_create",
        "success": False,
        "error": {
            "__type": "Authorization Error",
            "message": "Access denied: User not authorized to call package_create",
        },
    }
    wrong = requests.post(
        f"{portal.url}/api/3/action/package_create",
        json={"name": "nuevo"},
        headers={"Authorization": "token-equivocado"},
    )
    assert wrong.status_code == 403
    with pytest.raises(NotAuthorized):
        anonymous.action.organization_create(name="nueva")
    assert portal.request_log()[-1].authenticated is False
    make_dataset(ckan)
    assert portal.request_log()[-1].authenticated is True


def test_private_datasets_are_hidden_without_the_token(portal, ckan, anonymous):
    table = make_dataset(ckan, private=True)
    with pytest.raises(NotAuthorized):
        anonymous.action.package_show(id="movilidad")
    with pytest.raises(NotAuthorized):
        anonymous.action.datastore_search(resource_id=table)
    assert ckan.action.package_show(id="movilidad")["private"] is True
    assert anonymous.action.package_search()["count"] == 0
    ckan.action.package_patch(id="movilidad", private=False)
    assert anonymous.action.package_show(id="movilidad")["private"] is False


def test_not_found_error(portal, ckan):
    answer = call(portal, "package_show", id="no-existe")
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error == {"__type": "Not Found Error", "message": "Not found: Dataset not found"}
    with pytest.raises(NotFound):
        ckan.action.resource_show(id="no-existe")
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id="no-existe")


def test_validation_errors_name_their_fields(portal, ckan):
    make_dataset(ckan)
    answer = call(portal, "package_create", name="movilidad")
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["__type"] == "Validation Error" and error["name"] == [
        "That URL is already in use."
    ]
    assert "message" not in error and answer.json()["success"] is False  # as real CKAN 2.11+
    with pytest.raises(ValidationError) as caught:
        ckan.action.package_create(name="Con Mayúsculas")
    assert caught.value.error_dict["name"] == [
        "Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"
    ]
    with pytest.raises(ValidationError) as caught:
        ckan.action.package_create(name="otro", owner_org="no-existe")
    assert caught.value.error_dict["owner_org"] == ["Organization does not exist"]
    with pytest.raises(ValidationError) as caught:
        ckan.action.package_create(name="otro", tags=[{"name": "a/b"}])
    assert "must be alphanumeric" in caught.value.error_dict["tags"][0]


def test_bad_requests_answer_400_with_a_string(portal):
    unknown = requests.post(f"{portal.url}/api/3/action/package_destroy", json={})
    assert unknown.status_code == 400
    assert unknown.json() == "Bad request: Action name not known: package_destroy"
    by_get = requests.get(f"{portal.url}/api/3/action/package_create", params={"name": "x"})
    assert by_get.status_code == 400 and "Please use POST" in by_get.json()
    not_a_dict = requests.post(f"{portal.url}/api/3/action/package_show", data=b"[1, 2]")
    assert not_a_dict.status_code == 400 and "dictionary" in not_a_dict.json()


def test_injected_faults_keep_ckans_envelope(portal):
    portal.set_faults(FaultSettings(rate_429=1.0, retry_after=2))
    throttled = call(portal, "package_show", id="movilidad")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2"
    assert throttled.json()["success"] is False
    assert throttled.json()["error"]["__type"] == "Too Many Requests"
    portal.set_faults(FaultSettings(rate_500=1.0))
    failed = call(portal, "datastore_upsert", resource_id="x", records=[])
    assert failed.status_code == 500
    assert failed.json()["error"]["__type"] == "Internal Server Error"
    assert failed.json()["help"].endswith("help_show?name=datastore_upsert")
    portal.set_faults(FaultSettings())
    pages = requests.get(f"{portal.url}/dataset/movilidad")
    assert pages.status_code == 404  # pages are never faulted, and say so in Spanish
    assert "No existe un conjunto de datos" in pages.text
