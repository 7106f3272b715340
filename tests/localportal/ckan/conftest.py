"""Fixtures for the CKAN side of the local portal: the real ckanapi client, with and without token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from ckanapi import RemoteCKAN
from ckanapi.errors import NotFound

from datos_cali.localportal import LocalPortal

FIELDS = [
    {"id": "codigo", "type": "text", "info": {"label": "Código", "notes": "Identificador."}},
    {"id": "comuna", "type": "text"},
    {"id": "valor", "type": "numeric"},
    {"id": "cantidad", "type": "int"},
    {"id": "fecha", "type": "timestamp"},
    {"id": "activo", "type": "bool"},
]


def client(portal: LocalPortal, token: str | None) -> RemoteCKAN:
    ckan = RemoteCKAN(portal.url, apikey=token)
    ckan.base_url = "api/3/action/"
    return ckan


@pytest.fixture
def ckan(portal) -> Iterator[RemoteCKAN]:
    """ckanapi with the portal's API token (what the adapter uses)."""
    with client(portal, portal.credentials.ckan_token) as handle:
        yield handle


@pytest.fixture
def anonymous(portal) -> Iterator[RemoteCKAN]:
    with client(portal, None) as handle:
        yield handle


def call(portal: LocalPortal, action: str, token: bool = True, **data) -> requests.Response:
    """A raw POST, to look at status codes, headers and bodies as they are on the wire."""
    headers = {"Authorization": portal.credentials.ckan_token} if token else {}
    return requests.post(f"{portal.url}/api/3/action/{action}", json=data, headers=headers)


def make_dataset(
    ckan: RemoteCKAN, name: str = "movilidad", *, private: bool = False, primary_key="codigo"
) -> str:
    """An organization, a package and a DataStore table; returns the table's resource id."""
    try:
        ckan.action.organization_show(id="planeacion")
    except NotFound:
        ckan.action.organization_create(name="planeacion", title="Planeación")
    ckan.action.package_create(
        name=name, title="Movilidad", owner_org="planeacion", private=private
    )
    extra = {"primary_key": [primary_key]} if primary_key else {}
    answer = ckan.action.datastore_create(
        resource={"package_id": name, "name": "Tabla"}, fields=FIELDS, **extra
    )
    return answer["resource_id"]
