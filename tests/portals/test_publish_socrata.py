"""Publishing to the local portal over HTTP with the real sodapy client (what both adapters
promise alike is in `test_publish_both`)."""

from __future__ import annotations

import dataclasses

import pytest
import requests

from datos_cali.localportal import FaultSettings
from datos_cali.portals.spec import DATA_FIELDSET, ENTITY_FIELDSET
from tests.portals.conftest import (
    assert_portal_equals_source,
    one_percent_changed,
    prepared,
    publish_with_retries,
)


def test_values_reach_the_portal_as_socrata_expects(publisher):
    item = prepared("predios-propiedad-distrito")
    outcome = publisher.publish(item)
    base = f"{publisher.local.url}/resource/{outcome.asset_id}.json"
    row = requests.get(
        base, params={"numero_predial_nacional": "760010102022126452774000001318"}, timeout=10
    ).json()[0]
    assert row["ubicacion"] == {
        "type": "Point",
        "coordinates": [-76.561954, 3.353947],
    }  # longitude first
    assert row["avaluo_catastral"] == "2607028000"  # money stored as a number (SODA returns text)
    contracts = publisher.publish(prepared("contratacion-urgencia-manifiesta"))
    first = requests.get(
        f"{publisher.local.url}/resource/{contracts.asset_id}.json",
        params={"$limit": 1},
        timeout=10,
    ).json()[0]
    assert first["fecha_suscripcion"] == "2021-03-13T00:00:00.000"  # floating timestamp, no offset
    assert first["enlace_secop"]["url"].startswith("https://community.secop.gov.co/")


def test_metadata_is_complete_and_the_merge_keeps_what_we_do_not_own(publisher):
    item = prepared("vacunacion-covid19")
    outcome = publisher.publish(item)
    view_url = f"{publisher.local.url}/api/views/{outcome.asset_id}.json"
    auth = (publisher.local.credentials.key_id, publisher.local.credentials.key_secret)
    view = requests.get(view_url, auth=auth, timeout=10).json()
    custom = view["metadata"]["custom_fields"]
    assert custom[ENTITY_FIELDSET]["Área o dependencia"] == "Secretaría de Salud Pública"
    assert custom[DATA_FIELDSET]["Frecuencia de Actualización"] == "Semanal"
    id_registro = next(c for c in view["columns"] if c["fieldName"] == "id_registro")
    assert view["metadata"]["rowIdentifier"] == id_registro["id"]  # as Socrata: the column id
    assert view["licenseId"] == "CC_40_BY_SA"  # a Socrata license code, not the title
    assert (
        view["publicationStage"] == "published" and view["category"] == "Salud y Protección Social"
    )
    # Someone adds an attachment and a fieldset of their own on the portal…
    metadata = {**view["metadata"], "attachments": [{"filename": "diccionario.pdf"}]}
    metadata["custom_fields"] = {**custom, "Otro": {"Nota": "de la entidad"}}
    requests.put(
        view_url, json={"metadata": metadata, "owner_note": "x"}, auth=auth, timeout=10
    ).raise_for_status()
    publisher.publish(item)  # …and the next run merges instead of wiping them.
    after = requests.get(view_url, auth=auth, timeout=10).json()
    assert after["metadata"]["attachments"] == [{"filename": "diccionario.pdf"}]
    assert after["metadata"]["custom_fields"]["Otro"] == {"Nota": "de la entidad"}
    assert after["owner_note"] == "x"
    assert after["metadata"]["custom_fields"][DATA_FIELDSET]["Idioma"] == "Español"


def test_one_percent_change_sends_only_those_rows(publisher):
    item = prepared("vacunacion-covid19")
    first = publisher.publish(item)
    publisher.local.clear_request_log()
    frame, expected = one_percent_changed(item)

    second = publisher.publish(item, frame)
    assert (second.created, second.updated, second.deleted) == (100, 300, 50)

    sent = [
        e
        for e in publisher.local.request_log()
        if e.method == "POST" and e.path.startswith("/resource/")
    ]
    sent_ids = [rid for entry in sent for rid in entry.row_ids]
    assert sorted(sent_ids) == sorted(expected)  # each changed row exactly once, nothing else
    assert first.asset_id == second.asset_id
    assert_portal_equals_source(publisher, second, item, frame)


def test_without_row_identifier_a_working_copy_is_published(publisher):
    item = prepared("indice-mensual-actividad-economica")
    first = publisher.publish(item)
    publisher.local.clear_request_log()
    frame = item.frame.copy()
    frame.loc[5, "indice_2015_100"] = 123.45
    second = publisher.publish(item, frame)
    assert second.asset_id == first.asset_id and second.outcome == "published"
    log = [(e.method, e.path, e.query) for e in publisher.local.request_log()]
    copy_calls = [entry for entry in log if "method=copy" in entry[2]]
    assert copy_calls, log
    copy_id = next(
        e.dataset_id
        for e in publisher.local.request_log()
        if e.method == "PUT" and e.path.startswith("/resource/")
    )
    assert copy_id != first.asset_id  # the replace went to the working copy, never the public view
    assert any(m == "POST" and p == f"/api/views/{copy_id}/publication.json" for m, p, _ in log)
    assert_portal_equals_source(publisher, second, item, frame)


def test_request_ids_of_writes_are_recorded(publisher):
    publisher.publish(prepared("resultados-saber-11"))
    served = {e.request_id for e in publisher.local.request_log() if e.method in ("POST", "PUT")}
    assert publisher.portal.traffic.request_ids
    assert set(publisher.portal.traffic.request_ids) <= served


@pytest.mark.parametrize("seed", [1, 2])
def test_publishing_converges_under_faults(publisher, seed, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_BACKOFF", "0.01")
    item = prepared("aprovechamiento-residuos-solidos")
    keyed = prepared("vacunacion-covid19")
    publisher.local.set_faults(
        FaultSettings(
            seed=seed,
            rate_429=0.1,
            rate_500=0.05,
            rate_503=0.05,
            rate_reset=0.05,
            rate_after_write=0.05,
            retry_after=0,
        )
    )
    for target in (item, keyed):
        outcome = publish_with_retries(publisher, target, attempts=5, chunk_rows=2_000)
        publisher.local.set_faults(FaultSettings())
        assert_portal_equals_source(publisher, outcome, target)
        publisher.local.set_faults(
            FaultSettings(
                seed=seed + 10, rate_429=0.1, rate_reset=0.05, rate_after_write=0.05, retry_after=0
            )
        )
    faults = [e.fault for e in publisher.local.request_log() if e.fault]
    assert faults  # faults really happened


def test_an_asset_created_by_a_run_that_stopped_before_publishing_is_finished(publisher):
    item = prepared("indice-mensual-actividad-economica")  # no row identifier: needs a public view
    asset = publisher.portal.create_dataset(item.spec)
    publisher.state.remember_asset(item.spec.slug, asset)  # …and the run died here
    outcome = publisher.publish(item)
    assert outcome.asset_id == asset and outcome.outcome == "published"
    assert not publisher.state.is_unpublished(item.spec.slug)
    page = requests.get(f"{publisher.local.url}/resource/{asset}.json", timeout=10)
    assert page.status_code == 200 and len(page.json()) == len(item.frame)  # public, complete
    assert publisher.publish(prepared("indice-mensual-actividad-economica")).outcome == "unchanged"


WRITES = ("POST", "PUT", "PATCH", "DELETE")


@pytest.mark.parametrize(
    "slug",
    ["vacunacion-covid19", "predios-propiedad-distrito", "indice-mensual-actividad-economica"],
    ids=["row-identifier", "points-and-money", "no-row-identifier"],
)
def test_an_unchanged_rerun_sends_zero_writes(publisher, slug):
    item = prepared(slug)
    first = publisher.publish(item)
    publisher.local.clear_request_log()
    again = publisher.publish(prepared(slug))
    log = publisher.local.request_log()
    writes = [(e.method, e.path) for e in log if e.method in WRITES]
    assert writes == []  # no metadata PUT, no upsert, no working copy
    assert again.outcome == "unchanged" and again.asset_id == first.asset_id
    assert any(e.path == f"/api/views/{first.asset_id}.json" for e in log)  # it did look


def test_a_changed_description_is_one_put_of_that_key_only(publisher):
    item = prepared("vacunacion-covid19")
    outcome = publisher.publish(item)
    publisher.local.clear_request_log()
    changed = dataclasses.replace(item.spec, description=item.spec.description + " Revisado.")
    publisher.portal.update_metadata(outcome.asset_id, changed)
    [put] = [e for e in publisher.local.request_log() if e.method in WRITES]
    assert put.path == f"/api/views/{outcome.asset_id}.json"
    auth = (publisher.local.credentials.key_id, publisher.local.credentials.key_secret)
    view = requests.get(f"{publisher.local.url}/api/views/{outcome.asset_id}.json", auth=auth)
    assert view.json()["description"].endswith("Revisado.")
    publisher.local.clear_request_log()
    publisher.portal.update_metadata(outcome.asset_id, changed)  # now it agrees: no write
    assert [e for e in publisher.local.request_log() if e.method in WRITES] == []
