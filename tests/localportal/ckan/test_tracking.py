"""Contract: tracking — pages count views, downloads count per resource, API reads count nothing —
and the Spanish, accessible dataset page."""

from __future__ import annotations

import requests

from tests.localportal.ckan.conftest import make_dataset


def _summary(ckan):
    shown = ckan.action.package_show(id="movilidad", include_tracking=True)
    return shown["tracking_summary"], shown["resources"][0]["tracking_summary"]


def test_page_views_and_downloads_are_counted_and_api_reads_are_not(portal, ckan, clock):
    table = make_dataset(ckan)
    ckan.action.datastore_upsert(resource_id=table, records=[{"codigo": "A", "valor": 1}])
    assert "tracking_summary" not in ckan.action.package_show(id="movilidad")
    ckan.action.datastore_search(resource_id=table)
    ckan.action.resource_show(id=table)
    assert _summary(ckan) == ({"total": 0, "recent": 0}, {"total": 0, "recent": 0})

    assert requests.get(f"{portal.url}/dataset/movilidad").status_code == 200
    clock.advance(days=20)
    assert requests.get(f"{portal.url}/dataset/movilidad").status_code == 200
    url = ckan.action.resource_show(id=table)["url"]
    download = requests.get(url)
    assert download.status_code == 200
    assert download.text.splitlines() == ["codigo,comuna,valor,cantidad,fecha,activo", "A,,1,,,"]
    assert 'filename="movilidad.csv"' in download.headers["Content-Disposition"]
    assert _summary(ckan) == ({"total": 2, "recent": 1}, {"total": 1, "recent": 1})


def test_private_pages_and_files_need_the_token(portal, ckan):
    table = make_dataset(ckan, private=True)
    url = ckan.action.resource_show(id=table)["url"]
    assert requests.get(f"{portal.url}/dataset/movilidad").status_code == 403
    assert requests.get(url).status_code == 403
    token = {"Authorization": portal.credentials.ckan_token}
    assert requests.get(url, headers=token).status_code == 200
    wrong = url.replace(table, "otro-recurso")
    assert requests.get(wrong, headers=token).status_code == 404


def test_dataset_page_is_an_accessible_spanish_page(portal, ckan):
    table = make_dataset(ckan)
    ckan.action.package_patch(
        id="movilidad",
        notes="Viajes <b>diarios</b>",
        extras=[{"key": "Frecuencia de Actualización", "value": "Mensual"}],
    )
    rows = [{"codigo": f"{i:03d}", "activo": i == 0} for i in range(60)]
    ckan.action.datastore_upsert(resource_id=table, records=rows, method="insert")
    html = requests.get(f"{portal.url}/dataset/movilidad").text
    assert '<html lang="es">' in html and "<h1>Movilidad</h1>" in html
    assert "Viajes &lt;b&gt;diarios&lt;/b&gt;" in html and "<b>" not in html
    assert '<th scope="row">Frecuencia de Actualización</th><td>Mensual</td>' in html
    assert '<th scope="col" title="codigo">Código</th>' in html  # the data dictionary label
    assert "<caption>Filas 1 a 50 de 60</caption>" in html and "Descargar CSV" in html
    assert "Planeación" in html and 'rel="next"' in html
    second = requests.get(f"{portal.url}/dataset/movilidad", params={"page": 2}).text
    assert "<caption>Filas 51 a 60 de 60</caption>" in second and 'rel="prev"' in second
