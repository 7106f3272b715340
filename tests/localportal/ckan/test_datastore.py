"""Contract: the DataStore actions — typed fields, upsert methods, deletes, search and its paging."""

from __future__ import annotations

import pytest
import requests
from ckanapi.errors import NotFound, ValidationError

from tests.localportal.ckan.conftest import FIELDS, call, make_dataset

ROWS = [
    {
        "codigo": "A",
        "comuna": "1",
        "valor": 10.5,
        "cantidad": 3,
        "fecha": "2021-03-15",
        "activo": True,
    },
    {
        "codigo": "B",
        "comuna": "2",
        "valor": "7",
        "cantidad": "4",
        "fecha": "2021-03-16T08:30:00.000",
    },
    {"codigo": "C", "comuna": "2", "valor": None, "activo": "false"},
]


def _search(ckan, table, **params):
    return ckan.action.datastore_search(resource_id=table, **params)


def test_create_sets_typed_fields_and_marks_the_resource(portal, ckan):
    table = make_dataset(ckan)
    resource = ckan.action.resource_show(id=table)
    assert resource["datastore_active"] is True and resource["url_type"] == "datastore"
    assert resource["url"].endswith(f"/resource/{table}/download/movilidad.csv")
    found = _search(ckan, table)
    assert found["fields"][0] == {"id": "_id", "type": "int"}
    assert found["fields"][1:] == FIELDS  # types and the data dictionary kept as sent
    assert found["total"] == 0 and found["records"] == []


def test_values_come_back_typed_and_nulls_as_null(portal, ckan):
    table = make_dataset(ckan)
    ckan.action.datastore_upsert(resource_id=table, records=ROWS, method="upsert")
    records = _search(ckan, table)["records"]
    assert records[0] == {
        "_id": 1,
        "codigo": "A",
        "comuna": "1",
        "valor": 10.5,
        "cantidad": 3,
        "fecha": "2021-03-15T00:00:00",
        "activo": True,
    }
    assert (records[1]["valor"], records[1]["cantidad"]) == (7, 4)  # numbers, from text
    assert records[1]["fecha"] == "2021-03-16T08:30:00"  # to the second, as CKAN renders
    assert records[2]["valor"] is None and records[2]["activo"] is False


def test_upsert_matches_the_primary_key_and_keeps_fields_not_sent(portal, ckan):
    table = make_dataset(ckan)
    ckan.action.datastore_upsert(resource_id=table, records=ROWS, method="upsert")
    ckan.action.datastore_upsert(
        resource_id=table, records=[{"codigo": "A", "valor": 1}, {"codigo": "D"}], method="upsert"
    )
    found = _search(ckan, table, sort="_id")
    by_code = {r["codigo"]: r for r in found["records"]}
    assert found["total"] == 4 and by_code["A"]["_id"] == 1  # updated in place
    assert by_code["A"]["valor"] == 1 and by_code["A"]["comuna"] == "1"
    assert by_code["D"]["_id"] == 4


def test_insert_and_update_refuse_what_they_cannot_do_and_change_nothing(portal, ckan):
    table = make_dataset(ckan)
    ckan.action.datastore_upsert(resource_id=table, records=ROWS[:1], method="insert")
    with pytest.raises(ValidationError) as caught:
        ckan.action.datastore_upsert(
            resource_id=table, records=[{"codigo": "Z"}, {"codigo": "A"}], method="insert"
        )
    assert caught.value.error_dict["records_row"] == 1
    with pytest.raises(ValidationError) as caught:
        ckan.action.datastore_upsert(resource_id=table, records=[{"codigo": "Q"}], method="update")
    assert "not found" in caught.value.error_dict["key"][0]
    with pytest.raises(ValidationError) as caught:
        ckan.action.datastore_upsert(resource_id=table, records=[{"codigo": "Z", "otro": 1}])
    assert caught.value.error_dict["fields"] == ['fields "otro" do not exist']
    with pytest.raises(ValidationError) as caught:
        ckan.action.datastore_upsert(
            resource_id=table, records=[{"codigo": "Y"}, {"codigo": "X", "valor": "mucho"}]
        )
    assert caught.value.error_dict["records_row"] == 1
    assert "numeric" in caught.value.error_dict["records"][0]
    with pytest.raises(ValidationError) as caught:
        ckan.action.datastore_upsert(resource_id=table, records=[{"comuna": "5"}])
    assert "needed as key" in caught.value.error_dict["key"][0]
    with pytest.raises(ValidationError):
        ckan.action.datastore_upsert(resource_id=table, records=[], method="replace")
    assert [r["codigo"] for r in _search(ckan, table)["records"]] == ["A"]  # all or nothing


def test_a_table_without_key_upserts_by_id(portal, ckan):
    table = make_dataset(ckan, primary_key=None)
    with pytest.raises(ValidationError) as caught:
        ckan.action.datastore_upsert(resource_id=table, records=[{"codigo": "A"}])
    assert caught.value.error_dict["table"] == ["unique key must be passed for update/upsert"]
    first = [{"_id": 1, "codigo": "A"}, {"_id": 2, "codigo": "B"}]
    ckan.action.datastore_upsert(resource_id=table, records=first, method="upsert")
    ckan.action.datastore_upsert(resource_id=table, records=first, method="upsert")  # a retry
    ckan.action.datastore_upsert(resource_id=table, records=[{"codigo": "C"}], method="insert")
    records = _search(ckan, table)["records"]
    assert [(r["_id"], r["codigo"]) for r in records] == [(1, "A"), (2, "B"), (3, "C")]


def test_search_filters_sorts_pages_and_counts(portal, ckan):
    table = make_dataset(ckan)
    rows = [{"codigo": f"{i:03d}", "comuna": str(i % 3), "cantidad": i} for i in range(250)]
    ckan.action.datastore_upsert(resource_id=table, records=rows, method="insert")
    first = _search(ckan, table)
    assert first["limit"] == 100 and len(first["records"]) == 100 and first["total"] == 250
    page = _search(ckan, table, offset=240, limit=20, sort="_id")
    assert [r["_id"] for r in page["records"]] == list(range(241, 251))
    listed = _search(ckan, table, filters={"codigo": ["007", "100", "zzz"]})
    assert [r["cantidad"] for r in listed["records"]] == [7, 100] and listed["total"] == 2
    by_comuna = _search(ckan, table, filters={"comuna": "1", "cantidad": [1, 4, 5]}, limit=0)
    assert by_comuna["total"] == 2 and by_comuna["records"] == []
    ordered = _search(ckan, table, sort="cantidad desc", limit=3, fields=["codigo"])
    assert ordered["records"] == [{"codigo": "249"}, {"codigo": "248"}, {"codigo": "247"}]
    assert ordered["fields"] == [FIELDS[0]]
    capped = _search(ckan, table, limit=50_000)
    assert capped["limit"] == 32_000 and len(capped["records"]) == 250
    by_get = requests.get(
        f"{portal.url}/api/3/action/datastore_search",
        params={"resource_id": table, "filters": '{"comuna": ["2"]}', "fields": "codigo,comuna"},
    ).json()["result"]
    assert by_get["total"] == 83 and set(by_get["records"][0]) == {"codigo", "comuna"}
    for bad in ({"filters": {"nada": 1}}, {"sort": "nada"}, {"limit": -1}, {"fields": ["x"]}):
        with pytest.raises(ValidationError):
            _search(ckan, table, **bad)


def test_delete_with_filters_removes_rows_without_filters_drops_the_table(portal, ckan):
    table = make_dataset(ckan)
    ckan.action.datastore_upsert(resource_id=table, records=ROWS, method="upsert")
    ckan.action.datastore_delete(resource_id=table, filters={"codigo": ["A", "C", "no-existe"]})
    assert [r["codigo"] for r in _search(ckan, table)["records"]] == ["B"]
    ckan.action.datastore_delete(resource_id=table, filters={})  # every row, table kept
    assert _search(ckan, table)["total"] == 0
    ckan.action.datastore_delete(resource_id=table)
    with pytest.raises(NotFound):
        _search(ckan, table)
    assert ckan.action.resource_show(id=table)["datastore_active"] is False


def test_writes_are_logged_with_the_rows_they_carried(portal, ckan):
    table = make_dataset(ckan)
    portal.clear_request_log()
    ckan.action.datastore_upsert(resource_id=table, records=ROWS, method="upsert")
    ckan.action.datastore_delete(resource_id=table, filters={"codigo": ["B"]})
    upsert, delete = portal.request_log()
    assert (upsert.path, upsert.dataset_id, upsert.rows) == (
        "/api/3/action/datastore_upsert",
        table,
        3,
    )
    assert upsert.row_ids == ["A", "B", "C"] and upsert.authenticated
    assert (delete.rows, delete.row_ids) == (1, ["B"])
    assert upsert.body_bytes > 100 and upsert.status == 200


def test_datastore_create_validates_fields_and_keys(portal, ckan):
    table = make_dataset(ckan)
    for bad in (
        {"fields": [{"id": "_interno", "type": "text"}]},
        {"fields": [{"id": "x", "type": "geometria"}]},
        {"fields": [{"id": "valor", "type": "text"}]},
        {"primary_key": ["no_existe"]},
    ):
        with pytest.raises(ValidationError):
            ckan.action.datastore_create(resource_id=table, **bad)
    ckan.action.datastore_upsert(
        resource_id=table, records=[{"codigo": "A", "comuna": "1"}, {"codigo": "B", "comuna": "1"}]
    )
    with pytest.raises(ValidationError) as caught:
        ckan.action.datastore_create(resource_id=table, primary_key="comuna")
    assert "duplicated" in caught.value.error_dict["primary_key"][0]
    added = ckan.action.datastore_create(resource_id=table, fields=[{"id": "nota", "type": "text"}])
    assert [f["id"] for f in added["fields"]][-1] == "nota"
    neither = call(portal, "datastore_create", fields=FIELDS)
    assert neither.status_code == 409 and "resource_id" in neither.json()["error"]
