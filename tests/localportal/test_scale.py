"""Scale: a million rows in one dataset, as the benchmarks publish them (slow)."""

from __future__ import annotations

import pytest
import requests

from tests.localportal.helpers import auth_of, create_dataset, sodapy_client

ROWS = 1_000_000
CHUNK = 10_000


@pytest.mark.slow
def test_a_million_rows_upsert_copy_publish_and_export(portal):
    client = sodapy_client(portal, timeout=600)
    dataset = create_dataset(client)
    for start in range(0, ROWS, CHUNK):
        chunk = [
            {"codigo": f"C{i:07d}", "comuna": f"Comuna {i % 22 + 1}", "valor": i}
            for i in range(start, start + CHUNK)
        ]
        assert client.upsert(dataset, chunk)["Rows Created"] == CHUNK
    assert client.get(dataset, select="count(*)") == [{"count": str(ROWS)}]

    changed = [{"codigo": f"C{i:07d}", "valor": -1} for i in range(500_000, 500_000 + CHUNK)]
    assert client.upsert(dataset, changed)["Rows Updated"] == CHUNK
    assert client.get(dataset, select="count(*)", where="valor < 0") == [{"count": str(CHUNK)}]
    page = client.get(dataset, order=":id", limit=50000, offset=ROWS - 50000)
    assert page[-1]["codigo"] == f"C{ROWS - 1:07d}"

    client.publish(dataset)
    with requests.Session() as owner:
        owner.auth = auth_of(portal)
        url = f"{portal.url}/api/views/{dataset}/publication.json"
        answer = owner.post(url, params={"method": "copy"})
        while answer.status_code == 202:
            answer = owner.post(url, params={"method": "copy"})
        copy = answer.json()["id"]
        client.upsert(copy, [{"codigo": "C0000000", ":deleted": True}])
        assert client.publish(copy)["id"] == dataset
        assert client.get(dataset, select="count(*)") == [{"count": str(ROWS - 1)}]
        export = owner.get(f"{portal.url}/api/views/{dataset}/rows.csv")
        assert export.text.count("\n") == ROWS  # header + ROWS - 1 rows
