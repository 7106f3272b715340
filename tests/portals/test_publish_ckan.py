"""Publishing through the real ckanapi client to the local portal's CKAN side and to real CKAN
2.11 and 2.12 (`ckan_publisher` runs each test on all three; the real ones are marked `ckan`).
What both adapters promise alike is in `test_publish_both`; what only the local portal can show
(injected faults, its request ids, page views without a tracking plugin) uses
`local_ckan_publisher`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
import threading

import pandas as pd
import pytest
import requests
from pydantic import SecretStr

from datos_cali.catalog import load_catalog
from datos_cali.catalog.models import Coordinates, PortalName
from datos_cali.ledger import open_ledger
from datos_cali.localportal import FaultSettings
from datos_cali.portals.base import DatasetSpec, PortalColumn, PortalError, Usage
from datos_cali.portals.ckan import CkanPortal
from datos_cali.portals.credentials import CkanCredentials
from datos_cali.portals.engine import publish
from datos_cali.portals.records import canonical_rows
from datos_cali.portals.spec import DATA_FIELDSET, ENTITY_FIELDSET
from datos_cali.portals.state import PublicationState
from datos_cali.usage.collect import Untracked, collect
from tests.portals.conftest import (
    ROOT,
    Prepared,
    Publisher,
    assert_portal_equals_source,
    one_percent_changed,
    prepared,
    publish_with_retries,
)

WRITES = ("datastore_upsert", "datastore_delete", "datastore_create", "package_patch")


def moment(text: str) -> str:
    """A DataStore timestamp to the second (2.12 adds milliseconds: «…T08:30:00.000»)."""
    return text[:19]


def action(publisher, name: str, token: bool = True, **data) -> tuple[int, dict]:
    """Call an action the way any client would (for checks the adapter does not make)."""
    headers = {"Authorization": publisher.token} if token else {}
    answer = requests.post(
        f"{publisher.site}/api/3/action/{name}", json=data, headers=headers, timeout=60
    )
    return answer.status_code, answer.json()


def package(publisher, name: str) -> dict:
    status, body = action(publisher, "package_show", id=name, include_tracking=True)
    assert status == 200, body
    return body["result"]


def tables(pkg: dict, role: str = "tabla") -> list[dict]:
    return [r for r in pkg["resources"] if r.get("datos_cali_rol") == role]


def test_every_portal_type_round_trips_through_its_datastore_type(ckan_publisher):
    columns = (
        PortalColumn("codigo", "Código", "text", "Identificador."),
        PortalColumn("cantidad", "Cantidad", "number", "Entero."),
        PortalColumn("tasa", "Tasa", "number", "Decimal."),
        PortalColumn("valor", "Valor", "money", "Pesos."),
        PortalColumn("fecha", "Fecha", "calendar_date", "Fecha y hora."),
        PortalColumn("activo", "Activo", "checkbox", "Sí o no."),
        PortalColumn("enlace", "Enlace", "url", "Dirección web."),
        PortalColumn("ubicacion", "Ubicación", "point", "Punto."),
    )
    spec = DatasetSpec(
        slug="tipos-de-prueba",
        name="Tipos de prueba",
        description="Un conjunto con un valor de cada tipo.",
        columns=columns,
        row_identifier="codigo",
        category="Pruebas",
        tags=("pruebas",),
        license="Creative Commons Attribution | Share Alike 4.0 International",
        attribution="Alcaldía de Santiago de Cali",
        organismo="planeacion",
        organismo_name="Departamento Administrativo de Planeación",
        frequency="Anual",
    )
    frame = pd.DataFrame(
        {
            "codigo": ["A", "B", "C"],
            "cantidad": pd.array([3, None, -7], dtype="Int64"),
            "tasa": [0.25, 1e-7, None],
            "valor": [2607028000.0, 15.5, 0.0],
            "fecha": pd.array(
                pd.to_datetime(["2021-03-15 08:30:00", None, "1999-12-31 00:00:00"]),
                dtype="timestamp[s][pyarrow]",
            ),
            "activo": pd.array([True, False, None], dtype="boolean"),
            "enlace": ["https://www.cali.gov.co", None, "https://datos.cali.gov.co/x?y=1"],
            "lat": [3.353947, None, 3.45],
            "lon": [-76.561954, None, -76.53],
        }
    )
    where = Coordinates(latitude="lat", longitude="lon", field="ubicacion")
    portal = ckan_publisher.portal
    state = PublicationState(ckan_publisher.session.state_dir, portal.key)
    outcome = publish(frame, spec, portal, state, coordinates=where)
    expected = canonical_rows(frame, spec, where)
    assert portal.rows_by_key(outcome.asset_id, spec, ["A", "B", "C"]) == expected

    table = tables(package(ckan_publisher, outcome.asset_id))[0]
    status, body = action(ckan_publisher, "datastore_search", resource_id=table["id"])
    assert status == 200
    types = {f["id"]: f["type"] for f in body["result"]["fields"]}
    assert types == {
        "_id": "int",
        "codigo": "text",
        "cantidad": "numeric",
        "tasa": "numeric",
        "valor": "numeric",
        "fecha": "timestamp",
        "activo": "bool",
        "enlace": "text",
        "ubicacion": "text",
    }
    first = body["result"]["records"][0]
    assert moment(first["fecha"]) == "2021-03-15T08:30:00" and first["activo"] is True
    assert json.loads(first["ubicacion"]) == {
        "type": "Point",
        "coordinates": [-76.561954, 3.353947],  # GeoJSON text, longitude first
    }


def test_values_reach_ckan_as_the_datastore_stores_them(ckan_publisher):
    item = prepared("predios-propiedad-distrito")
    outcome = ckan_publisher.publish(item)
    table = tables(package(ckan_publisher, outcome.asset_id))[0]
    _status, body = action(
        ckan_publisher,
        "datastore_search",
        resource_id=table["id"],
        filters={"numero_predial_nacional": "760010102022126452774000001318"},
    )
    [row] = body["result"]["records"]
    assert row["avaluo_catastral"] == 2607028000  # money as a JSON number, not text
    assert json.loads(row["ubicacion"])["coordinates"] == [-76.561954, 3.353947]
    contracts = ckan_publisher.publish(prepared("contratacion-urgencia-manifiesta"))
    table = tables(package(ckan_publisher, contracts.asset_id))[0]
    _status, body = action(ckan_publisher, "datastore_search", resource_id=table["id"], limit=1)
    first = body["result"]["records"][0]
    assert moment(first["fecha_suscripcion"]) == "2021-03-13T00:00:00"
    assert first["enlace_secop"].startswith("https://community.secop.gov.co/")


def test_metadata_is_complete_and_the_merge_keeps_what_we_do_not_own(ckan_publisher):
    item = prepared("barreras-acceso-salud")
    outcome = ckan_publisher.publish(item)
    shown = package(ckan_publisher, outcome.asset_id)
    extras = {e["key"]: e["value"] for e in shown["extras"]}
    assert shown["organization"]["name"] == "salud"
    assert shown["organization"]["title"] == "Secretaría de Salud Pública"
    assert shown["private"] is False and shown["title"] == item.spec.name
    assert shown["notes"] == item.spec.description and shown["license_id"] == "cc-by-sa"
    assert {"acceso a servicios", "EPS"} <= {t["name"] for t in shown["tags"]}
    assert extras["Área o dependencia"] == "Secretaría de Salud Pública - Aseguramiento"
    assert extras["Frecuencia de Actualización"] == "Mensual"
    assert extras["Categoría"] == "Salud y Protección Social"
    assert set(item.spec.custom_fields[ENTITY_FIELDSET]) <= set(extras)
    assert set(item.spec.custom_fields[DATA_FIELDSET]) <= set(extras)
    [table] = tables(shown)
    status, body = action(ckan_publisher, "datastore_search", resource_id=table["id"], limit=0)
    info = {f["id"]: f.get("info") for f in body["result"]["fields"]}
    assert info["eapb"] == {
        "label": item.spec.column("eapb").name,
        "notes": "Entidad administradora de planes de beneficios (EPS).",
    }

    # Someone adds an extra and a document to the package on the portal…
    documents = {"name": "Diccionario de datos", "url": "https://www.cali.gov.co/dic.pdf"}
    status, _ = action(
        ckan_publisher,
        "package_patch",
        id=outcome.asset_id,
        extras=[*shown["extras"], {"key": "Nota de la entidad", "value": "revisado"}],
        resources=[*shown["resources"], documents],
    )
    assert status == 200
    ckan_publisher.publish(item)  # …and the next run merges instead of wiping them.
    after = package(ckan_publisher, outcome.asset_id)
    extras = {e["key"]: e["value"] for e in after["extras"]}
    assert extras["Nota de la entidad"] == "revisado" and extras["Idioma"] == "Español"
    assert [r["name"] for r in after["resources"]] == [item.spec.name, "Diccionario de datos"]


def test_one_percent_change_sends_only_those_rows(ckan_publisher):
    item = prepared("vacunacion-covid19")
    first = ckan_publisher.publish(item)
    ckan_publisher.recorder.clear()
    mark = ckan_publisher.mark()
    frame, expected = one_percent_changed(item)

    second = ckan_publisher.publish(item, frame)
    assert (second.created, second.updated, second.deleted) == (100, 300, 50)

    # The server's own log: only row writes, no metadata or table rewrite.
    assert set(ckan_publisher.writes_since(mark)) == {"datastore_upsert", "datastore_delete"}
    sent = ckan_publisher.recorder.writes()
    sent_ids = [
        *(
            r["id_registro"]
            for s in sent
            if s.action == "datastore_upsert"
            for r in s.body["records"]
        ),
        *(
            k
            for s in sent
            if s.action == "datastore_delete"
            for k in s.body["filters"]["id_registro"]
        ),
    ]
    assert sorted(sent_ids) == sorted(expected)  # each changed row exactly once, nothing else
    assert first.asset_id == second.asset_id
    assert_portal_equals_source(ckan_publisher, second, item, frame)


def test_without_row_identifier_a_complete_new_table_is_swapped_in(ckan_publisher):
    item = prepared("indice-mensual-actividad-economica")
    first = ckan_publisher.publish(item)
    [old] = tables(package(ckan_publisher, first.asset_id))
    ckan_publisher.recorder.clear()

    # A reader keeps reading the published resource while the replacement loads.
    seen: list[tuple[int, int | None]] = []
    stop = threading.Event()

    def read_old_table() -> None:
        with requests.Session() as reader:
            while not stop.is_set():
                answer = reader.post(
                    f"{ckan_publisher.site}/api/3/action/datastore_search",
                    json={"resource_id": old["id"], "limit": 0},
                    timeout=60,
                )
                seen.append((answer.status_code, answer.json().get("result", {}).get("total")))

    reader = threading.Thread(target=read_old_table)
    reader.start()
    while not seen:
        stop.wait(0.005)
    frame = item.frame.copy()
    frame.loc[5, "indice_2015_100"] = 123.45
    try:
        second = ckan_publisher.publish(item, frame, chunk_rows=8)  # nine chunks
    finally:
        stop.set()
        reader.join()

    assert second.asset_id == first.asset_id and second.outcome == "published"
    assert {answer for answer in seen if answer[0] == 200} == {(200, 72)}  # never a half table
    writes = [(s.action, s.resource_id) for s in ckan_publisher.recorder.writes()]
    swap = writes.index(("package_patch", first.asset_id))
    loads = [i for i, (name, rid) in enumerate(writes) if name == "datastore_upsert"]
    new_id = writes[loads[0]][1]
    assert len(loads) == 9 and all(writes[i][1] == new_id != old["id"] for i in loads)
    assert max(loads) < swap  # loaded completely before the swap…
    assert not [w for w in writes[:swap] if w[1] == old["id"]]  # …the old table untouched
    assert writes[swap + 1 :] == [("resource_delete", old["id"])]  # dropped only after the swap

    after = package(ckan_publisher, first.asset_id)
    [current] = tables(after)
    assert (current["id"], current["name"]) == (new_id, item.spec.name)
    assert not tables(after, "carga") and len(after["resources"]) == 1
    for name, key in (("resource_show", "id"), ("datastore_search", "resource_id")):
        status, body = action(ckan_publisher, name, token=False, **{key: old["id"]})
        assert status == 404, (name, body)
    assert_portal_equals_source(ckan_publisher, second, item, frame)


def test_a_failed_replacement_leaves_the_published_table_alone(ckan_publisher):
    item = prepared("resultados-saber-11")
    first = ckan_publisher.publish(item)
    [old] = tables(package(ckan_publisher, first.asset_id))
    portal = ckan_publisher.portal

    def broken_chunks():
        yield canonical_rows(item.frame.iloc[:10], item.spec)
        raise RuntimeError("the source stopped halfway")

    with pytest.raises(RuntimeError):
        portal.replace(first.asset_id, item.spec, broken_chunks(), published=True)
    after = package(ckan_publisher, first.asset_id)
    assert [r["id"] for r in after["resources"]] == [old["id"]]  # the half table is gone
    assert portal.count(first.asset_id) == len(item.frame)


def test_usage_counts_page_views_and_downloads_and_survives_a_swap(local_ckan_publisher):
    item = prepared("indice-mensual-actividad-economica")
    outcome = local_ckan_publisher.publish(item)
    portal, name = local_ckan_publisher.portal, outcome.asset_id
    for _ in range(3):
        page = requests.get(f"{local_ckan_publisher.local.url}/dataset/{name}", timeout=10)
        assert page.status_code == 200 and '<html lang="es">' in page.text
    download = tables(package(local_ckan_publisher, name))[0]["url"]
    for _ in range(2):
        csv_file = requests.get(download, timeout=10)
        assert csv_file.status_code == 200 and len(csv_file.text.splitlines()) == 73
    portal.rows_page(name, item.spec, 0, 10)  # API reads count nothing
    assert portal.usage([name]) == {name: Usage(views=3, downloads=2)}

    frame = item.frame.copy()
    frame.loc[0, "indice_2015_100"] = 99.9
    local_ckan_publisher.publish(item, frame)  # a new table replaces the old one
    requests.get(tables(package(local_ckan_publisher, name))[0]["url"], timeout=10)
    assert portal.usage([name]) == {name: Usage(views=3, downloads=3)}


def test_request_ids_of_writes_are_recorded(local_ckan_publisher):
    local_ckan_publisher.publish(prepared("resultados-saber-11"))
    served = {
        e.request_id
        for e in local_ckan_publisher.local.request_log()
        if e.path.rsplit("/", 1)[-1] in WRITES or e.path.endswith("_create")
    }
    assert local_ckan_publisher.portal.traffic.request_ids
    assert set(local_ckan_publisher.portal.traffic.request_ids) <= served


@pytest.mark.parametrize(
    "seed", [1, 2, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(3, 13))]
)
def test_publishing_converges_under_faults(tmp_path, seed, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_BACKOFF", "0.01")  # read when the adapter is made
    publisher = Publisher(tmp_path / "run", PortalName.DATOS_CALI)
    faults = FaultSettings(
        seed=seed,
        rate_429=0.1,
        rate_500=0.05,
        rate_503=0.05,
        rate_reset=0.05,
        rate_after_write=0.05,
        retry_after=0,
    )
    work = (
        (prepared("aprovechamiento-residuos-solidos"), 200),  # replaced through a new table
        (prepared("contratacion-urgencia-manifiesta"), 50),  # upserts and deletes by key
    )
    try:
        for item, chunk_rows in work:
            frame = item.frame.copy()
            for version in range(2):  # created, then changed
                if version:
                    frame.iloc[::7, 1] = frame.iloc[::7, 1].iloc[::-1].to_numpy()
                    frame = frame.drop(index=frame.index[:3])
                publisher.local.set_faults(faults)
                outcome = publish_with_retries(
                    publisher, item, frame, attempts=6, chunk_rows=chunk_rows
                )
                publisher.local.set_faults(FaultSettings())
                assert_portal_equals_source(publisher, outcome, item, frame)
                shown = package(publisher, outcome.asset_id)
                assert len(tables(shown)) == 1 and not tables(shown, "carga")
        assert [e.fault for e in publisher.local.request_log() if e.fault]
    finally:
        publisher.close()


def test_a_wrong_token_is_a_permanent_error_in_spanish(ckan_publisher):
    wrong = CkanCredentials(url=ckan_publisher.site, api_token=SecretStr("no-es-el-token"))
    portal = CkanPortal(wrong)
    try:
        with pytest.raises(PortalError) as caught:
            portal.create_dataset(prepared("areas-cesion").spec)
    finally:
        portal.close()
    assert not caught.value.transient and caught.value.status == 403
    assert "rechazó el token" in str(caught.value) and "no-es-el-token" not in str(caught.value)


def test_an_unreachable_portal_is_a_transient_error(monkeypatch):
    monkeypatch.setenv("DATOS_CALI_BACKOFF", "0.001")
    monkeypatch.setenv("DATOS_CALI_RETRIES", "2")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    portal = CkanPortal(CkanCredentials(url=f"http://127.0.0.1:{port}"))
    try:
        with pytest.raises(PortalError) as caught:
            portal.count("vacunacion-covid19")
    finally:
        portal.close()
    assert caught.value.transient and "No se pudo comunicar" in str(caught.value)


def test_ckan_errors_become_spanish_portal_errors_with_the_right_transience(
    local_ckan_publisher, monkeypatch
):
    item = prepared("areas-proteccion-forestal")
    outcome = local_ckan_publisher.publish(item)
    bad = canonical_rows(item.frame.iloc[[0]], item.spec)[0]
    numeric = next(c.field for c in item.spec.columns if c.type == "number")
    with pytest.raises(PortalError) as refused:
        local_ckan_publisher.portal.upsert(outcome.asset_id, item.spec, [bad | {numeric: "mucho"}])
    assert (refused.value.status, refused.value.transient) == (409, False)
    assert "rechazó datastore_upsert (HTTP 409): records: invalid input syntax" in str(
        refused.value
    )

    monkeypatch.setenv("DATOS_CALI_RETRIES", "1")
    monkeypatch.setenv("DATOS_CALI_BACKOFF", "0.001")
    credentials = CkanCredentials(
        url=local_ckan_publisher.local.url,
        api_token=SecretStr(local_ckan_publisher.local.credentials.ckan_token),
    )
    portal = CkanPortal(credentials)
    local_ckan_publisher.local.set_faults(FaultSettings(rate_503=1.0))
    try:
        with pytest.raises(PortalError) as busy:
            portal.count(outcome.asset_id)
    finally:
        local_ckan_publisher.local.set_faults(FaultSettings())
        portal.close()
    assert (busy.value.status, busy.value.transient) == (503, True)
    assert "no respondió bien a package_show" in str(busy.value)


def test_columns_added_removed_or_reordered_go_into_a_new_table_swapped_in(ckan_publisher):
    item = prepared("areas-proteccion-forestal")  # row identifier: codigo_area
    first = ckan_publisher.publish(item)
    [old] = tables(package(ckan_publisher, first.asset_id))

    # The spec changes shape: one column gone, one new in the middle, two swapped.
    columns = {c.field: c for c in item.spec.columns}
    added = PortalColumn("vereda", "Vereda", "text", "Vereda donde queda el área.")
    order = ["codigo_area", "categoria", "nombre_area", "vereda", "ubicacion", "area_hectareas"]
    order += ["fecha_declaratoria", "cuenca_hidrografica"]  # acto_administrativo removed
    spec = dataclasses.replace(item.spec, columns=tuple(columns.get(name, added) for name in order))
    frame = item.frame.drop(columns=["acto_administrativo"])
    frame.insert(3, "vereda", [f"Vereda {i % 4}" for i in range(len(frame))])
    reshaped = Prepared(item.dataset, spec, frame)
    ckan_publisher.recorder.clear()

    second = ckan_publisher.publish(reshaped)
    assert second.asset_id == first.asset_id and second.outcome == "published"
    writes = [(s.action, s.resource_id) for s in ckan_publisher.recorder.writes()]
    assert not [w for w in writes if w[1] == old["id"] and w[0] != "resource_delete"]
    [current] = tables(package(ckan_publisher, first.asset_id))
    assert current["id"] != old["id"]  # a new table, complete before it was swapped in
    _status, body = action(ckan_publisher, "datastore_search", resource_id=current["id"], limit=0)
    assert [f["id"] for f in body["result"]["fields"] if f["id"] != "_id"] == order
    assert_portal_equals_source(ckan_publisher, second, reshaped)

    mark = ckan_publisher.mark()
    again = ckan_publisher.publish(reshaped)
    assert again.outcome == "unchanged" and ckan_publisher.writes_since(mark) == []

    # The pipeline's state is lost and the old shape comes back: the package is adopted by
    # name, and its rows go into a table of the right shape all the same.
    lost = PublicationState(ckan_publisher.session.state_dir / "perdido", ckan_publisher.portal.key)
    adopted = publish(item.frame, item.spec, ckan_publisher.portal, lost)
    assert adopted.asset_id == first.asset_id
    [table] = tables(package(ckan_publisher, first.asset_id))
    _status, body = action(ckan_publisher, "datastore_search", resource_id=table["id"], limit=0)
    assert [f["id"] for f in body["result"]["fields"] if f["id"] != "_id"] == item.spec.fields
    assert_portal_equals_source(ckan_publisher, adopted, item)


def test_usage_is_sin_seguimiento_where_ckan_keeps_no_counts(ckan_publisher):
    """CKAN 2.11+ tracks usage only with its `tracking` plugin (off on the real CKANs here): no
    `tracking_summary`, so the reader says untracked and `collect` stores no zeros. The table's
    `/datastore/dump/<id>` download works on all three servers (the logs' download URL)."""
    item = prepared("indice-mensual-actividad-economica")
    name = ckan_publisher.publish(item).asset_id
    shown = package(ckan_publisher, name)
    tracked = ckan_publisher.server is None  # the local portal counts page views and downloads
    assert ("tracking_summary" in shown) is tracked
    assert ckan_publisher.portal.usage([name])[name].tracked is tracked
    with open_ledger() as ledger:
        now = dt.datetime.now(dt.UTC)
        readings = collect(ckan_publisher.session, ledger, load_catalog(ROOT / "datasets"), now)
    mine = [r for r in readings if r.dataset == item.spec.slug]
    if tracked:
        assert [(r.target, r.views) for r in mine] == [("datos.cali.gov.co", 0)]
        assert not readings.untracked
    else:
        assert not mine
        assert readings.untracked == [Untracked(item.spec.slug, "datos.cali.gov.co", name)]

    [table] = tables(shown)
    assert ckan_publisher.portal.resource_ids([name]) == {table["id"]: name}
    dump = requests.get(f"{ckan_publisher.site}/datastore/dump/{table['id']}", timeout=60)
    header, *rows = dump.text.splitlines()
    assert dump.status_code == 200 and header.lstrip("\ufeff").split(",")[0] == "_id"
    assert len(rows) == len(item.frame)
