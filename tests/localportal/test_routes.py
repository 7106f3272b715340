"""Extension: another API mounts its own routes on the same server (as CKAN's does)."""

from __future__ import annotations

import requests

from datos_cali.localportal import FaultSettings, HttpError, Response, Route, json_response
from datos_cali.localportal.routing import compile_template


def _ckan_error(error: HttpError) -> Response:
    envelope = {"success": False, "error": {"__type": error.code, "message": error.message}}
    return json_response(envelope, error.status, error.headers)


def _package_show(request):
    if request.arg("id") != "movilidad":
        raise HttpError(404, "Not Found Error", "Not found")
    return json_response({"success": True, "result": {"name": request.arg("id")}})


def _routes() -> list[Route]:
    return [
        Route(
            "GET",
            "/api/ejemplo/{action:package_show}",
            _package_show,
            errors=_ckan_error,
            faultable=True,
        )
    ]


def test_registered_routes_answer_on_the_same_server_with_their_own_errors(portal):
    portal.register_routes(_routes())
    url = f"{portal.url}/api/ejemplo/package_show"
    ok = requests.get(url, params={"id": "movilidad"})
    assert ok.json() == {"success": True, "result": {"name": "movilidad"}}
    missing = requests.get(url, params={"id": "otro"})
    assert missing.status_code == 404
    assert missing.json()["error"]["__type"] == "Not Found Error"
    assert portal.request_log()[-1].path == "/api/ejemplo/package_show"


def test_registered_routes_can_be_faulted_with_their_own_error_shape(portal):
    portal.register_routes(_routes())
    portal.set_faults(FaultSettings(rate_429=1.0, retry_after=3))
    answer = requests.get(f"{portal.url}/api/ejemplo/package_show", params={"id": "movilidad"})
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "3"
    assert answer.json()["success"] is False
    assert answer.json()["error"]["__type"] == "too_many_requests"


def test_other_modules_can_add_tables_to_the_store(portal):
    portal.store.ensure_schema("CREATE TABLE IF NOT EXISTS demo_items (name TEXT PRIMARY KEY);")
    portal.store.ensure_schema("CREATE TABLE IF NOT EXISTS demo_items (name TEXT PRIMARY KEY);")
    with portal.store.write() as conn:
        conn.execute("INSERT INTO demo_items (name) VALUES ('movilidad')")
    with portal.store.read() as conn:
        assert conn.execute("SELECT name FROM demo_items").fetchall() == [("movilidad",)]


def test_templates():
    pattern = compile_template("/resource/{id}/{rowid:[^/]+}.json")
    match = pattern.fullmatch("/resource/abcd-1234/row-2222~2222~2223.json")
    assert match and match.group("rowid") == "row-2222~2222~2223"
    assert compile_template("/api/views/{id}.json").fullmatch("/api/views/a.b.json") is not None
