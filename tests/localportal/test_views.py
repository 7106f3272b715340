"""Contract: the views API (create, metadata read–merge–write, permission, publication, copies)."""

from __future__ import annotations

import requests

from tests.localportal.helpers import COLUMNS, create_dataset, public_dataset


def test_create_returns_an_unpublished_private_view_with_completed_columns(client, portal):
    view = client.create(
        "Contratos 2021",
        description="Contratos de la Secretaría",
        columns=COLUMNS,
        category="Hacienda",
        tags=["contratos"],
        row_identifier="codigo",
        licenseId="CC_30_BY",
        attribution="Alcaldía de Santiago de Cali",
        custom_key={"kept": "verbatim"},
    )

    assert len(view["id"]) == 9 and view["id"][4] == "-"
    assert view["publicationStage"] == "unpublished"
    assert view["viewCount"] == 0 and view["downloadCount"] == 0
    assert isinstance(view["rowsUpdatedAt"], int) and isinstance(view["createdAt"], int)
    codigo = next(c for c in view["columns"] if c["fieldName"] == "codigo")
    # sent as a field name, returned as the column's numeric id (as real Socrata does)
    assert view["metadata"] == {"rowIdentifier": codigo["id"]}
    assert view["rowIdentifierColumnId"] == codigo["id"]
    assert view["custom_key"] == {"kept": "verbatim"}
    assert view["licenseId"] == "CC_30_BY" and view["category"] == "Hacienda"
    assert view["license"] == {"name": "Creative Commons Attribution 3.0 Unported"}
    assert "grants" not in view  # private until setPermission
    assert [c["position"] for c in view["columns"]] == list(range(1, len(COLUMNS) + 1))
    for sent, got in zip(COLUMNS, view["columns"], strict=True):
        assert got["fieldName"] == sent["fieldName"]
        assert got["dataTypeName"] == sent["dataTypeName"]
        assert isinstance(got["id"], int) and got["description"] == ""
    # private: an anonymous read is refused, the owner's is not
    anonymous = requests.get(f"{portal.url}/api/views/{view['id']}.json")
    assert anonymous.status_code == 403
    assert client.get_metadata(view["id"])["name"] == "Contratos 2021"


def test_field_names_must_be_ascii_snake_case(owner, portal):
    for bad in ("duración", "Comuna", "2col", "con espacio", ":id"):
        body = {"name": "x", "columns": [{"fieldName": bad, "name": bad, "dataTypeName": "text"}]}
        answer = owner.post(f"{portal.url}/api/views.json", json=body)
        assert answer.status_code == 400, bad
        assert answer.json()["error"] is True


def test_missing_field_names_are_mangled_like_socrata(owner, portal):
    body = {"name": "x", "columns": [{"name": "Duración del contrato", "dataTypeName": "number"}]}
    view = owner.post(f"{portal.url}/api/views.json", json=body).json()
    assert view["columns"][0]["fieldName"] == "duraci_n_del_contrato"


def test_unknown_types_and_row_identifiers_are_rejected(owner, portal):
    bad_type = {"name": "x", "columns": [{"fieldName": "a", "dataTypeName": "blob"}]}
    assert owner.post(f"{portal.url}/api/views.json", json=bad_type).status_code == 400
    bad_rid = {"name": "x", "columns": COLUMNS, "metadata": {"rowIdentifier": "nope"}}
    assert owner.post(f"{portal.url}/api/views.json", json=bad_rid).status_code == 400
    point_rid = {"name": "x", "columns": COLUMNS, "metadata": {"rowIdentifier": "ubicacion"}}
    assert owner.post(f"{portal.url}/api/views.json", json=point_rid).status_code == 400
    percent = {"name": "x", "columns": [{"fieldName": "p", "dataTypeName": "percent"}]}
    assert owner.post(f"{portal.url}/api/views.json", json=percent).status_code == 200


def test_put_replaces_each_top_level_key_whole_and_keeps_unknown_keys(client):
    dataset = create_dataset(client)
    client.update_metadata(
        dataset,
        {
            "metadata": {
                "rowIdentifier": "codigo",
                "custom_fields": {"Información de la Entidad": {"Municipio": "Cali"}},
                "attachments": [{"filename": "diccionario.pdf"}],
            },
            "x_pipeline": {"owner": "datos-cali"},
        },
    )

    updated = client.update_metadata(
        dataset,
        {"metadata": {"rowIdentifier": "codigo"}, "description": "Nueva descripción"},
    )

    # metadata was replaced whole: custom_fields and attachments are gone
    assert updated["metadata"] == {"rowIdentifier": updated["rowIdentifierColumnId"]}
    # keys not sent are untouched, unknown keys are stored and returned
    assert updated["x_pipeline"] == {"owner": "datos-cali"}
    assert updated["name"] == "Prueba de la Alcaldía"
    assert updated["description"] == "Nueva descripción"
    assert client.get_metadata(dataset) == updated


def test_a_column_id_names_the_row_identifier_as_well_as_a_field_name(client):
    dataset = create_dataset(client, row_identifier=None)
    view = client.get_metadata(dataset)
    valor = next(c for c in view["columns"] if c["fieldName"] == "valor")
    for sent in (valor["id"], str(valor["id"])):
        updated = client.update_metadata(dataset, {"metadata": {"rowIdentifier": sent}})
        assert updated["metadata"]["rowIdentifier"] == valor["id"]
    client.upsert(dataset, [{"valor": 1, "codigo": "A"}])
    assert client.upsert(dataset, [{"valor": 1, "codigo": "B"}])["Rows Updated"] == 1


def test_license_ids_are_socrata_codes_and_a_free_text_title_is_refused(client, owner, portal):
    dataset = create_dataset(client, licenseId="CC_40_BY_SA")
    assert client.get_metadata(dataset)["license"] == {
        "name": "Creative Commons Attribution | Share Alike 4.0 International"
    }
    title = "Creative Commons Attribution | Share Alike 4.0 International"
    for bad in ({"name": "x", "licenseId": title}, {"name": "x", "licenseId": "CC_BY_4"}):
        answer = owner.post(f"{portal.url}/api/views.json", json=bad)
        assert answer.status_code == 400 and "licenseId" in answer.json()["message"]
    answer = owner.put(f"{portal.url}/api/views/{dataset}.json", json={"licenseId": title})
    assert answer.status_code == 400
    assert client.get_metadata(dataset)["licenseId"] == "CC_40_BY_SA"  # unchanged
    assert client.update_metadata(dataset, {"licenseId": "PUBLIC_DOMAIN"})["license"] == {
        "name": "Public Domain"
    }


def test_put_metadata_without_row_identifier_drops_it(client):
    """The trap DESIGN.md warns about: metadata is replaced whole, so read, merge, write back."""
    dataset = create_dataset(client)
    client.upsert(dataset, [{"codigo": "A", "valor": 1}])
    view = client.update_metadata(dataset, {"metadata": {"custom_fields": {}}})
    assert "rowIdentifier" not in view["metadata"] and "rowIdentifierColumnId" not in view
    answer = client.upsert(dataset, [{"codigo": "A", "valor": 2}])
    assert answer["Rows Created"] == 1  # no longer matched: a duplicate row
    assert client.get(dataset, select="count(*)") == [{"count": "2"}]


def test_put_ignores_server_owned_keys_and_only_describes_existing_columns(client):
    dataset = create_dataset(client)
    before = client.get_metadata(dataset)
    columns = [
        {"fieldName": "valor", "description": "Valor en pesos", "dataTypeName": "text"},
        {"fieldName": "nueva", "name": "Nueva", "dataTypeName": "text"},
    ]
    after = client.update_metadata(
        dataset, {"id": "zzzz-zzzz", "viewCount": 99, "columns": columns}
    )
    assert after["id"] == dataset and after["viewCount"] == 0
    valor = next(c for c in after["columns"] if c["fieldName"] == "valor")
    assert valor["description"] == "Valor en pesos"
    assert valor["dataTypeName"] == "number"  # the type cannot change under existing rows
    assert [c["fieldName"] for c in after["columns"]] == [c["fieldName"] for c in COLUMNS]
    assert after["publicationStage"] == before["publicationStage"]


def test_changing_the_row_identifier_rekeys_rows(client):
    dataset = create_dataset(client, row_identifier=None)
    client.upsert(dataset, [{"codigo": "A", "valor": 1}, {"codigo": "B", "valor": 2}])
    client.update_metadata(dataset, {"metadata": {"rowIdentifier": "codigo"}})
    answer = client.upsert(dataset, [{"codigo": "A", "valor": 10}])
    assert answer["Rows Updated"] == 1 and answer["Rows Created"] == 0


def test_a_row_identifier_with_duplicate_values_is_refused(client, owner, portal):
    dataset = create_dataset(client, row_identifier=None)
    client.upsert(dataset, [{"codigo": "A"}, {"codigo": "A"}])
    answer = owner.put(
        f"{portal.url}/api/views/{dataset}.json", json={"metadata": {"rowIdentifier": "codigo"}}
    )
    assert answer.status_code == 400
    view = client.get_metadata(dataset)  # the failed PUT changed nothing
    assert "metadata" not in view and "rowIdentifierColumnId" not in view


def test_set_permission_public_and_private(client, portal):
    dataset = create_dataset(client)
    answer = client.set_permission(dataset, "public")
    assert answer.status_code == 200 and answer.text == ""
    assert requests.get(f"{portal.url}/api/views/{dataset}.json").status_code == 200
    assert client.get_metadata(dataset)["grants"][0]["flags"] == ["public"]
    client.set_permission(dataset, "private")
    assert requests.get(f"{portal.url}/api/views/{dataset}.json").status_code == 403


def test_publish_a_new_view(client):
    dataset = create_dataset(client)
    published = client.publish(dataset)
    assert published["id"] == dataset
    assert published["publicationStage"] == "published"


def test_working_copy_answers_202_then_200(client, owner, portal):
    dataset = public_dataset(client)
    client.upsert(dataset, [{"codigo": "A", "valor": 1}])
    url = f"{portal.url}/api/views/{dataset}/publication.json"

    first = owner.post(url, params={"method": "copy"})
    assert first.status_code == 202
    assert "message" in first.json() and not first.json().get("id")

    second = owner.post(url, params={"method": "copy"})
    assert second.status_code == 200
    copy = second.json()
    assert copy["id"] != dataset
    assert copy["publicationStage"] == "unpublished"
    assert copy["publishedViewUid"] == dataset
    assert copy["publicationGroup"] == client.get_metadata(dataset)["publicationGroup"]
    assert client.get(copy["id"]) == [{"codigo": "A", "valor": "1"}]

    # asking again while the copy exists returns the same copy
    assert owner.post(url, params={"method": "copy"}).json()["id"] == copy["id"]


def test_only_published_views_can_be_copied(client, owner, portal):
    dataset = create_dataset(client)
    url = f"{portal.url}/api/views/{dataset}/publication.json"
    assert owner.post(url, params={"method": "copy"}).status_code == 400


def _working_copy(owner, portal, dataset: str) -> str:
    url = f"{portal.url}/api/views/{dataset}/publication.json"
    answer = owner.post(url, params={"method": "copy"})
    while answer.status_code == 202:
        answer = owner.post(url, params={"method": "copy"})
    return answer.json()["id"]


def test_publishing_a_working_copy_replaces_the_original_in_place(client, owner, portal):
    dataset = public_dataset(client)
    client.upsert(dataset, [{"codigo": "A", "valor": 1}, {"codigo": "B", "valor": 2}])
    copy = _working_copy(owner, portal, dataset)

    client.replace(copy, [{"codigo": "C", "valor": 3}])
    client.update_metadata(copy, {"description": "Versión nueva"})

    # readers of the original still see the original while the copy is edited
    public = requests.get(f"{portal.url}/resource/{dataset}.json").json()
    assert [row["codigo"] for row in public] == ["A", "B"]
    assert requests.get(f"{portal.url}/resource/{copy}.json").status_code == 403

    published = client.publish(copy)

    assert published["id"] == dataset
    assert published["publicationStage"] == "published"
    assert published["description"] == "Versión nueva"
    assert requests.get(f"{portal.url}/resource/{dataset}.json").json() == [
        {"codigo": "C", "valor": "3"}
    ]
    assert "grants" in published  # still public
    missing = owner.get(f"{portal.url}/api/views/{copy}.json")
    assert missing.status_code == 404


def test_delete_view_removes_it_and_its_working_copy(client, owner, portal):
    dataset = public_dataset(client)
    copy = _working_copy(owner, portal, dataset)
    answer = client.delete(dataset)
    assert answer.status_code == 200
    for view_id in (dataset, copy):
        assert owner.get(f"{portal.url}/api/views/{view_id}.json").status_code == 404
