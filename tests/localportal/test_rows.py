"""Contract: upsert, replace and row delete — counts, row identity, value formats, atomicity."""

from __future__ import annotations

import io

import pytest

from tests.localportal.helpers import create_dataset

COUNT_KEYS = {
    "Rows Created",
    "Rows Updated",
    "Rows Deleted",
    "By RowIdentifier",
    "By SID",
    "Errors",
}


def _all(client, dataset, **kwargs):
    return client.get(dataset, order=":id", limit=50000, **kwargs)


def test_upsert_answer_has_exactly_socratas_keys(client):
    dataset = create_dataset(client)
    answer = client.upsert(dataset, [{"codigo": "A", "valor": 1}, {"codigo": "B", "valor": 2}])
    assert set(answer) == COUNT_KEYS
    assert answer == {
        "Rows Created": 2,
        "Rows Updated": 0,
        "Rows Deleted": 0,
        "By RowIdentifier": 0,
        "By SID": 0,
        "Errors": 0,
    }


def test_rows_match_on_the_row_identifier_and_deleted_removes_them(client):
    dataset = create_dataset(client)
    client.upsert(dataset, [{"codigo": c, "valor": i} for i, c in enumerate("ABC")])

    answer = client.upsert(
        dataset,
        [
            {"codigo": "A", "valor": 10},  # update
            {"codigo": "B", ":deleted": True},  # delete
            {"codigo": "Z", ":deleted": True},  # missing: a no-op, not counted
            {"codigo": "D", "valor": 4},  # create
        ],
    )

    assert answer == {
        "Rows Created": 1,
        "Rows Updated": 1,
        "Rows Deleted": 1,
        "By RowIdentifier": 2,
        "By SID": 0,
        "Errors": 0,
    }
    assert _all(client, dataset) == [
        {"codigo": "A", "valor": "10"},
        {"codigo": "C", "valor": "2"},
        {"codigo": "D", "valor": "4"},
    ]


def test_upsert_is_idempotent(client):
    dataset = create_dataset(client)
    body = [
        {"codigo": "A", "valor": 1, "comuna": "Comuna 1"},
        {"codigo": "B", "valor": 2},
        {"codigo": "C", ":deleted": True},
    ]
    client.upsert(dataset, body)
    state = _all(client, dataset)
    again = client.upsert(dataset, body)
    assert _all(client, dataset) == state
    assert again["Rows Created"] == 0 and again["Rows Updated"] == 2
    assert client.get(dataset, select="count(*)") == [{"count": "2"}]


def test_updates_keep_fields_not_sent_and_null_clears(client):
    dataset = create_dataset(client)
    client.upsert(dataset, [{"codigo": "A", "valor": 1, "comuna": "Comuna 1"}])
    client.upsert(dataset, [{"codigo": "A", "valor": 2}])
    assert _all(client, dataset) == [{"codigo": "A", "comuna": "Comuna 1", "valor": "2"}]
    client.upsert(dataset, [{"codigo": "A", "comuna": None}])
    assert _all(client, dataset) == [{"codigo": "A", "valor": "2"}]


def test_values_are_normalised_and_read_back_as_socrata_returns_them(client):
    dataset = create_dataset(client)
    client.upsert(
        dataset,
        [
            {
                "codigo": "A",
                "comuna": "Comuna 1",
                "valor": 1234.50,
                "costo": "1000000",
                "fecha": "2021-03-15",
                "activo": True,
                "ubicacion": {"type": "Point", "coordinates": [-76.5225, 3.4516]},
                "enlace": "https://www.cali.gov.co",
            },
            {
                "codigo": "B",
                "comuna": "",
                "valor": "-0.25",
                "fecha": "2021-03-15T08:30:15.1234",
                "activo": "false",
                "ubicacion": "POINT (-76.5 3.4)",
                "enlace": {"url": "http://datos.cali.gov.co", "description": "Portal"},
            },
        ],
    )
    a, b = _all(client, dataset)
    assert a == {
        "codigo": "A",
        "comuna": "Comuna 1",
        "valor": "1234.5",
        "costo": "1000000",
        "fecha": "2021-03-15T00:00:00.000",
        "activo": True,
        "ubicacion": {"type": "Point", "coordinates": [-76.5225, 3.4516]},
        "enlace": {"url": "https://www.cali.gov.co"},
    }
    assert b == {
        "codigo": "B",
        "valor": "-0.25",
        "fecha": "2021-03-15T08:30:15.123",
        "activo": False,
        "ubicacion": {"type": "Point", "coordinates": [-76.5, 3.4]},
        "enlace": {"url": "http://datos.cali.gov.co", "description": "Portal"},
    }  # the empty comuna is null, and null fields are omitted


def test_rows_with_bad_values_are_skipped_and_counted_as_errors(client):
    dataset = create_dataset(client)
    answer = client.upsert(
        dataset,
        [
            {"codigo": "A", "valor": "doce"},
            {"codigo": "B", "fecha": "2021-03-15T00:00:00-05:00"},  # offsets are not floating
            {"codigo": "C", "ubicacion": "POINT (3.4 -200)"},
            {"codigo": "D", "activo": "quizás"},
            {"valor": 1},  # no row identifier
            {"codigo": "E", "valor": "7"},
        ],
    )
    assert answer["Errors"] == 5 and answer["Rows Created"] == 1
    assert _all(client, dataset) == [{"codigo": "E", "valor": "7"}]


def test_an_unknown_field_rejects_the_whole_request(client, owner, portal):
    dataset = create_dataset(client)
    answer = owner.post(
        f"{portal.url}/resource/{dataset}.json",
        json=[{"codigo": "A"}, {"codigo": "B", "no_existe": 1}],
    )
    assert answer.status_code == 400
    assert answer.json()["error"] is True and "no_existe" in answer.json()["message"]
    assert client.get(dataset) == []


def test_datasets_without_row_identifier_match_on_id(client):
    dataset = create_dataset(client, row_identifier=None)
    client.upsert(dataset, [{"codigo": "A"}, {"codigo": "B"}])
    rows = _all(client, dataset, exclude_system_fields=False)
    first_id = rows[0][":id"]
    assert first_id.startswith("row-")

    answer = client.upsert(
        dataset,
        [{":id": first_id, "valor": 5}, {":id": rows[1][":id"], ":deleted": True}, {"codigo": "C"}],
    )

    assert answer == {
        "Rows Created": 1,
        "Rows Updated": 1,
        "Rows Deleted": 1,
        "By RowIdentifier": 0,
        "By SID": 2,
        "Errors": 0,
    }
    assert _all(client, dataset) == [{"codigo": "A", "valor": "5"}, {"codigo": "C"}]


def test_replace_truncates_then_inserts(client):
    dataset = create_dataset(client)
    client.upsert(dataset, [{"codigo": "A"}, {"codigo": "B"}])
    answer = client.replace(dataset, [{"codigo": "C", "valor": 3}, {"codigo": "D", "valor": "x"}])
    assert answer["Rows Created"] == 1 and answer["Errors"] == 1 and set(answer) == COUNT_KEYS
    assert _all(client, dataset) == [{"codigo": "C", "valor": "3"}]


def test_a_failed_replace_changes_nothing(client, owner, portal):
    dataset = create_dataset(client)
    client.upsert(dataset, [{"codigo": "A"}])
    answer = owner.put(f"{portal.url}/resource/{dataset}.json", json=[{"otra": 1}])
    assert answer.status_code == 400
    assert _all(client, dataset) == [{"codigo": "A"}]


def test_csv_bodies_with_field_names(client):
    dataset = create_dataset(client)
    body = io.StringIO(
        "codigo,valor,fecha,activo,ubicacion,:deleted\n"
        "A,1.5,2021-01-02,true,POINT (-76.5 3.4),\n"
        "B,,,,,\n"
    )
    answer = client.upsert(dataset, body)
    assert answer["Rows Created"] == 2
    client.upsert(dataset, io.StringIO("codigo,:deleted\nB,true\n"))
    assert _all(client, dataset) == [
        {
            "codigo": "A",
            "valor": "1.5",
            "fecha": "2021-01-02T00:00:00.000",
            "activo": True,
            "ubicacion": {"type": "Point", "coordinates": [-76.5, 3.4]},
        }
    ]


def test_chunked_request_bodies(client, owner, portal):
    dataset = create_dataset(client)
    parts = iter([b'[{"codigo": "A", ', b'"valor": 1}, {"codigo": "B"}]'])  # no length: chunked
    answer = owner.post(
        f"{portal.url}/resource/{dataset}.json",
        data=parts,
        headers={"Content-Type": "application/json"},
    )
    assert answer.json()["Rows Created"] == 2
    assert portal.request_log()[-1].body_bytes == 46


def test_delete_one_row_by_identifier_or_id(client, portal):
    dataset = create_dataset(client)
    client.upsert(dataset, [{"codigo": "A 1"}, {"codigo": "B"}, {"codigo": "C"}])
    answer = client.delete(dataset, row_id="A 1")
    assert answer.status_code == 200
    row_b = _all(client, dataset, exclude_system_fields=False)[0]
    client.delete(dataset, row_id=row_b[":id"])
    assert client.delete(dataset, row_id="no-existe").status_code == 200  # idempotent
    assert _all(client, dataset) == [{"codigo": "C"}]


def test_single_row_read_by_identifier(client, owner, portal):
    dataset = create_dataset(client)
    client.upsert(dataset, [{"codigo": "A", "valor": 1}])
    assert owner.get(f"{portal.url}/resource/{dataset}/A.json").json() == {
        "codigo": "A",
        "valor": "1",
    }
    assert owner.get(f"{portal.url}/resource/{dataset}/Z.json").status_code == 404


def test_writes_update_rows_updated_at(client, clock):
    dataset = create_dataset(client)
    before = client.get_metadata(dataset)["rowsUpdatedAt"]
    clock.advance(hours=1)
    client.upsert(dataset, [{"codigo": "A"}])
    assert client.get_metadata(dataset)["rowsUpdatedAt"] == before + 3600


def test_twenty_thousand_rows_upsert_and_read_back(client):
    dataset = create_dataset(client)
    rows = [
        {
            "codigo": f"C{i:06d}",
            "comuna": f"Comuna {i % 22 + 1}",
            "valor": i,
            "fecha": "2021-03-15",
            "ubicacion": {"type": "Point", "coordinates": [-76.5 + i / 1e6, 3.4]},
        }
        for i in range(20_000)
    ]
    answer = client.upsert(dataset, rows)
    assert answer["Rows Created"] == 20_000 and answer["Errors"] == 0

    back = _all(client, dataset)
    assert len(back) == 20_000
    assert [row["codigo"] for row in back] == [row["codigo"] for row in rows]
    assert back[12345]["valor"] == "12345"
    assert client.get(dataset, select="count(*)") == [{"count": "20000"}]


@pytest.mark.parametrize("content_type", ["json", "csv"])
def test_resource_extension_does_not_change_the_write_answer(client, content_type, portal, owner):
    dataset = create_dataset(client)
    answer = owner.post(f"{portal.url}/resource/{dataset}.{content_type}", json=[{"codigo": "A"}])
    assert answer.status_code == 200 and answer.json()["Rows Created"] == 1
