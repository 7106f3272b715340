"""Contract: organizations, packages and resources — patch semantics, the resource list, restarts."""

from __future__ import annotations

import pytest
from ckanapi.errors import NotFound, ValidationError

from datos_cali.localportal import LocalPortal
from tests.localportal.ckan.conftest import client, make_dataset


def test_organizations_are_created_once_and_shown(portal, ckan):
    created = ckan.action.organization_create(name="salud", title="Secretaría de Salud Pública")
    shown = ckan.action.organization_show(id="salud")
    assert shown["id"] == created["id"] and shown["title"] == "Secretaría de Salud Pública"
    assert shown["is_organization"] is True and shown["type"] == "organization"
    with pytest.raises(ValidationError):
        ckan.action.organization_create(name="salud")
    with pytest.raises(NotFound):
        ckan.action.organization_show(id="educacion")


def test_package_show_has_ckans_shape(portal, ckan):
    make_dataset(ckan)
    ckan.action.package_patch(
        id="movilidad",
        notes="Viajes en MIO.",
        license_id="cc-by-sa",
        tags=[{"name": "movilidad"}, {"name": "Plan de Desarrollo"}],
        extras=[{"key": "Idioma", "value": "Español"}],
    )
    shown = ckan.action.package_show(id="movilidad")
    assert shown["organization"]["name"] == "planeacion" and shown["state"] == "active"
    assert shown["license_title"] == "Creative Commons Attribution Share-Alike"
    # Sorted by name, as real CKAN answers (uppercase first), whatever order they were sent in.
    assert [t["name"] for t in shown["tags"]] == ["Plan de Desarrollo", "movilidad"]
    assert shown["num_tags"] == 2 and shown["num_resources"] == 1
    assert shown["extras"] == [{"key": "Idioma", "value": "Español"}]
    assert shown["metadata_modified"] >= shown["metadata_created"]
    assert ckan.action.package_show(id=shown["id"])["name"] == "movilidad"  # by id too


def test_patch_replaces_each_key_it_receives_whole(portal, ckan):
    make_dataset(ckan)
    ckan.action.package_patch(id="movilidad", extras=[{"key": "a", "value": "1"}], notes="n")
    ckan.action.package_patch(id="movilidad", extras=[{"key": "b", "value": "2"}])
    shown = ckan.action.package_show(id="movilidad")
    assert shown["extras"] == [{"key": "b", "value": "2"}] and shown["notes"] == "n"
    with pytest.raises(ValidationError):
        ckan.action.package_patch(id="movilidad", extras=[{"key": "b"}, {"key": "b"}])
    with pytest.raises(NotFound):
        ckan.action.package_patch(id="no-existe", notes="x")


def test_a_resources_list_keeps_creates_and_retires(portal, ckan):
    old = make_dataset(ckan)
    ckan.action.datastore_upsert(resource_id=old, records=[{"codigo": "A"}], method="upsert")
    new = ckan.action.datastore_create(
        resource={"package_id": "movilidad", "name": "Carga"},
        fields=[{"id": "codigo", "type": "text"}],
    )["resource_id"]
    resources = ckan.action.package_show(id="movilidad")["resources"]
    assert [r["id"] for r in resources] == [old, new]
    swapped = {**resources[1], "name": "Tabla nueva"}
    link = {"name": "Documento", "url": "https://www.cali.gov.co/doc.pdf"}
    ckan.action.package_patch(id="movilidad", resources=[swapped, link])
    after = ckan.action.package_show(id="movilidad")["resources"]
    assert [r["name"] for r in after] == ["Tabla nueva", "Documento"]
    assert after[0]["id"] == new and after[1]["url"] == "https://www.cali.gov.co/doc.pdf"
    assert after[0]["url"].endswith(f"/resource/{new}/download/movilidad.csv")  # not overwritten
    with pytest.raises(NotFound):
        ckan.action.resource_show(id=old)
    # The retired resource's table stays readable until a resource_delete in the package…
    assert ckan.action.datastore_search(resource_id=old)["total"] == 1
    ckan.action.resource_delete(id=old)  # …deleting a deleted resource drops it, as in CKAN
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id=old)
    with pytest.raises(ValidationError):
        ckan.action.package_patch(id="movilidad", resources=[{"id": "ajeno", "name": "x"}])


def test_resources_can_be_created_patched_and_deleted(portal, ckan):
    table = make_dataset(ckan)
    link = ckan.action.resource_create(package_id="movilidad", name="Mapa", url="https://x.co/m")
    patched = ckan.action.resource_patch(id=link["id"], description="Mapa de rutas", extra=1)
    assert patched["description"] == "Mapa de rutas" and patched["extra"] == 1
    assert patched["position"] == 1 and patched["url"] == "https://x.co/m"
    ckan.action.resource_delete(id=table)
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id=table)
    assert [r["id"] for r in ckan.action.package_show(id="movilidad")["resources"]] == [link["id"]]
    with pytest.raises(ValidationError):
        ckan.action.resource_create(name="sin paquete")


def test_package_search_lists_public_datasets(portal, ckan, anonymous):
    make_dataset(ckan, "movilidad")
    make_dataset(ckan, "privado", private=True)
    public = anonymous.action.package_search(q="movil")
    assert public["count"] == 1 and public["results"][0]["name"] == "movilidad"
    everything = ckan.action.package_search(include_private=True)
    assert {p["name"] for p in everything["results"]} == {"movilidad", "privado"}


def test_everything_survives_a_restart(tmp_path, clock):
    first = LocalPortal(tmp_path / "p", clock=clock).start()
    with first, client(first, first.credentials.ckan_token) as ckan:
        table = make_dataset(ckan)
        ckan.action.datastore_upsert(resource_id=table, records=[{"codigo": "A"}])
    second = LocalPortal(tmp_path / "p", clock=clock).start()
    with second, client(second, second.credentials.ckan_token) as ckan:
        assert ckan.action.package_show(id="movilidad")["resources"][0]["id"] == table
        assert ckan.action.datastore_search(resource_id=table)["records"][0]["codigo"] == "A"
