"""Fault injection: each fault as a client sees it, determinism, and where faults never apply."""

from __future__ import annotations

import json
import time

import pytest
import requests

from datos_cali.localportal import FaultSettings, LocalPortal
from datos_cali.localportal.faults import FaultInjector
from tests.localportal.helpers import auth_of, create_dataset, public_dataset, sodapy_client


def test_parse_the_compact_form():
    settings = FaultSettings.parse("seed=3, rate_429=0.1,rate_reset=0.05,latency_ms=20")
    assert settings == FaultSettings(seed=3, rate_429=0.1, rate_reset=0.05, latency_ms=20)
    assert FaultSettings.parse(settings.describe()) == settings
    assert FaultSettings.parse("") == FaultSettings()


@pytest.mark.parametrize(
    "text",
    [
        "rate_999=0.1",
        "rate_429=1.5",
        "rate_429=0.6,rate_500=0.6",
        "latency_ms=-1",
        "seed",
        "seed=x",
    ],
)
def test_invalid_settings_are_refused(text):
    with pytest.raises(ValueError):
        FaultSettings.parse(text)


def test_the_fault_sequence_depends_only_on_the_seed():
    settings = FaultSettings(seed=7, rate_429=0.2, rate_500=0.2, rate_reset=0.2)
    one, two = FaultInjector(settings), FaultInjector(settings)
    sequence = [one.decide(True) for _ in range(200)]
    assert sequence == [two.decide(True) for _ in range(200)]
    assert {"429", "500", "reset", None} == set(sequence)
    other = FaultInjector(FaultSettings(seed=8, rate_429=0.2, rate_500=0.2, rate_reset=0.2))
    assert [other.decide(True) for _ in range(200)] != sequence


def test_reads_never_get_the_after_write_fault():
    injector = FaultInjector(FaultSettings(rate_after_write=1.0))
    assert {injector.decide(False) for _ in range(50)} == {None}
    assert {injector.decide(True) for _ in range(50)} == {"after_write"}


def test_throttling_answers_429_with_retry_after(portal, client):
    dataset = public_dataset(client)
    portal.set_faults(FaultSettings(rate_429=1.0, retry_after=7))
    answer = requests.get(f"{portal.url}/resource/{dataset}.json")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "7"
    assert answer.json()["error"] is True and answer.json()["code"] == "too_many_requests"
    assert portal.request_log()[-1].fault == "429"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_have_socrata_bodies(portal, client, status):
    dataset = public_dataset(client)
    portal.set_faults(FaultSettings(**{f"rate_{status}": 1.0}))
    answer = requests.get(f"{portal.url}/api/views/{dataset}.json")
    assert answer.status_code == status and answer.json()["error"] is True
    assert "X-Socrata-RequestId" in answer.headers


def test_reset_midway_through_a_body_is_a_connection_error_and_writes_nothing(portal, client):
    dataset = create_dataset(client)
    body = [{"codigo": f"{i:06d}", "comuna": "x" * 100} for i in range(5000)]
    portal.set_faults(FaultSettings(rate_reset=1.0))
    with pytest.raises(requests.ConnectionError):
        client.upsert(dataset, body)
    portal.set_faults(FaultSettings())
    assert client.get(dataset, select="count(*)") == [{"count": "0"}]
    entry = [e for e in portal.request_log() if e.fault][-1]
    assert entry.fault == "reset" and entry.status == 0
    assert 0 < entry.body_bytes < len(json.dumps(body))


def test_reset_without_a_body(portal, client):
    dataset = public_dataset(client)
    portal.set_faults(FaultSettings(rate_reset=1.0))
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{portal.url}/resource/{dataset}.json")


def test_timeout_never_answers(tmp_path):
    settings = FaultSettings(rate_timeout=1.0, timeout_seconds=5)
    with LocalPortal(tmp_path, faults=settings).start() as portal:
        started = time.perf_counter()
        with pytest.raises(requests.ReadTimeout):
            requests.get(f"{portal.url}/api/views/abcd-1234.json", timeout=0.3)
        assert portal.request_log()[-1].fault == "timeout"
    assert time.perf_counter() - started < 3  # stopping the portal wakes the stalled request


def test_reset_after_write_applies_the_write(portal, client):
    dataset = create_dataset(client)
    portal.set_faults(FaultSettings(rate_after_write=1.0))
    with pytest.raises(requests.ConnectionError):
        client.upsert(dataset, [{"codigo": "A", "valor": 1}])
    assert client.get(dataset) == [{"codigo": "A", "valor": "1"}]  # reads are not affected
    entry = [e for e in portal.request_log() if e.method == "POST"][-1]
    assert entry.fault == "after_write" and entry.status == 200 and entry.row_ids == ["A"]
    portal.set_faults(FaultSettings())
    retry = client.upsert(dataset, [{"codigo": "A", "valor": 1}])  # the idempotent retry
    assert retry["Rows Updated"] == 1 and retry["Rows Created"] == 0


def test_latency_is_added_to_api_requests_only(portal, client):
    dataset = public_dataset(client)
    portal.set_faults(FaultSettings(latency_ms=250))
    started = time.perf_counter()
    requests.get(f"{portal.url}/resource/{dataset}.json")
    assert time.perf_counter() - started >= 0.25
    started = time.perf_counter()
    requests.get(f"{portal.url}/_portal/health")
    requests.get(f"{portal.url}/d/{dataset}")
    assert time.perf_counter() - started < 0.25


def test_pages_and_admin_endpoints_are_never_faulted(portal, client, owner):
    dataset = public_dataset(client)
    portal.set_faults(FaultSettings(rate_500=1.0))
    assert requests.get(f"{portal.url}/d/{dataset}").status_code == 200
    assert requests.get(f"{portal.url}/").status_code == 200
    assert owner.get(f"{portal.url}/_portal/requests.json").status_code == 200
    assert requests.get(f"{portal.url}/resource/{dataset}.json").status_code == 500


def test_faults_change_at_runtime_over_http(portal, client, owner):
    dataset = public_dataset(client)
    answer = owner.put(f"{portal.url}/_portal/faults", json={"rate_503": 1, "seed": 4})
    assert answer.status_code == 200 and answer.json()["rate_503"] == 1.0
    assert requests.get(f"{portal.url}/resource/{dataset}.json").status_code == 503
    owner.put(f"{portal.url}/_portal/faults", json={"spec": "rate_429=0"})
    assert owner.get(f"{portal.url}/_portal/faults").json()["rate_503"] == 0
    assert requests.get(f"{portal.url}/resource/{dataset}.json").status_code == 200
    bad = owner.put(f"{portal.url}/_portal/faults", json={"rate_429": 2})
    assert bad.status_code == 400


def _faults_seen(tmp_path, seed: int) -> list[str | None]:
    with LocalPortal(tmp_path, faults=FaultSettings(seed=seed, rate_500=0.3)).start() as portal:
        auth = auth_of(portal)
        for _ in range(30):
            requests.get(f"{portal.url}/api/views/abcd-1234.json", auth=auth)
        return [entry.fault for entry in portal.request_log()]


def test_a_seed_reproduces_the_same_faults_over_http(tmp_path):
    first = _faults_seen(tmp_path / "one", seed=11)
    assert first == _faults_seen(tmp_path / "two", seed=11)
    assert "500" in first and None in first


def test_publishing_with_retries_converges_under_faults(tmp_path):
    """A naive retrying client ends with exactly its rows, despite every kind of fault."""
    settings = FaultSettings(
        seed=5, rate_429=0.1, rate_500=0.05, rate_503=0.05, rate_reset=0.1, rate_after_write=0.1
    )
    with LocalPortal(tmp_path).start() as portal:
        client = sodapy_client(portal, timeout=5)
        dataset = create_dataset(client)
        portal.set_faults(settings)
        rows = [{"codigo": f"{i:04d}", "valor": i} for i in range(600)]
        for start in range(0, len(rows), 50):
            _with_retries(lambda start=start: client.upsert(dataset, rows[start : start + 50]))
        portal.set_faults(FaultSettings())
        back = client.get(dataset, order=":id", limit=50000)
        assert back == [{"codigo": r["codigo"], "valor": str(r["valor"])} for r in rows]
        assert {e.fault for e in portal.request_log()} > {None}


def _with_retries(call, attempts: int = 30):
    for _ in range(attempts):
        try:
            return call()
        except (requests.ConnectionError, requests.HTTPError):
            continue
    raise AssertionError("too many failures")
