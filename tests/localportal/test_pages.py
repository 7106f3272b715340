"""The HTML pages a citizen sees: Spanish, accessible, paged, and counted as views."""

from __future__ import annotations

import re

import requests

from datos_cali.localportal.pages import PAGE_SIZE
from tests.localportal.helpers import auth_of, create_dataset, public_dataset


def test_dataset_page_is_an_accessible_spanish_page(portal, client):
    dataset = public_dataset(client, category="Movilidad")
    client.upsert(
        dataset,
        [
            {
                "codigo": "A",
                "activo": True,
                "enlace": "https://www.cali.gov.co",
                "fecha": "2021-03-15",
            },
            {"codigo": "<script>", "comuna": "Ñ & Ü"},
        ],
    )
    page = requests.get(f"{portal.url}/d/{dataset}")
    html = page.text
    assert page.headers["Content-Type"].startswith("text/html")
    assert '<html lang="es">' in html and "<caption>" in html
    assert '<th scope="col" title="codigo">Código</th>' in html
    assert f'href="/api/views/{dataset}/rows.csv?accessType=DOWNLOAD"' in html
    assert f'href="/api/views/{dataset}/rows.json?accessType=DOWNLOAD"' in html
    assert "Descargar CSV" in html and "Movilidad" in html and "Sí" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "Ñ &amp; Ü" in html
    assert '<a href="https://www.cali.gov.co">' in html and "2021-03-15" in html
    assert f'href="/resource/{dataset}.geojson"' in html  # it has a point column


def test_only_datasets_with_points_link_to_geojson(portal, client):
    columns = [{"fieldName": "codigo", "name": "Código", "dataTypeName": "text"}]
    dataset = public_dataset(client, columns=columns)
    assert ".geojson" not in requests.get(f"{portal.url}/d/{dataset}").text


def test_dataset_page_is_paged(portal, client):
    dataset = public_dataset(client)
    client.upsert(dataset, [{"codigo": f"{i:03d}"} for i in range(PAGE_SIZE + 5)])
    first = requests.get(f"{portal.url}/d/{dataset}").text
    second = requests.get(f"{portal.url}/d/{dataset}", params={"page": 2}).text
    assert len(re.findall(r"<tr><td>", first)) == PAGE_SIZE
    assert len(re.findall(r"<tr><td>", second)) == 5
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert "Página 2 de 2" in second
    assert client.get_metadata(dataset)["viewCount"] == 2


def test_missing_and_private_datasets(portal, client):
    missing = requests.get(f"{portal.url}/d/abcd-1234")
    assert missing.status_code == 404 and "abcd-1234" in missing.text
    assert '<html lang="es">' in missing.text
    private = create_dataset(client)
    assert requests.get(f"{portal.url}/d/{private}").status_code == 403
    assert requests.get(f"{portal.url}/d/{private}", auth=auth_of(portal)).status_code == 200
    assert client.get_metadata(private)["viewCount"] == 1  # only the page actually served


def test_index_lists_public_datasets(portal, client):
    empty = requests.get(f"{portal.url}/").text
    assert "Todavía no hay conjuntos de datos públicos." in empty
    public = public_dataset(client)
    private = create_dataset(client)
    index = requests.get(f"{portal.url}/").text
    assert f'href="/d/{public}"' in index and private not in index
