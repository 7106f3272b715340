"""The Socrata adapter against answers shaped like real Socrata's (see `recorded_socrata`).

Real Socrata returns `metadata.rowIdentifier` as a column id, `licenseId` as a code, and keys of
its own in the view and its metadata; an adapter that compared what it sent with what it read
back would PUT the metadata on every run. These tests publish through the recorded shapes and
count the writes of an unchanged re-run: zero. The same shapes drive the error paths.
"""

from __future__ import annotations

import copy
import dataclasses

import pytest
from pydantic import SecretStr

from datos_cali.localportal import LocalPortal
from datos_cali.portals.base import PortalError
from datos_cali.portals.credentials import SocrataCredentials
from datos_cali.portals.engine import publish
from datos_cali.portals.socrata import ERR_PROCESSING, SocrataPortal
from datos_cali.portals.state import PublicationState
from tests.portals.conftest import prepared
from tests.portals.recorded_socrata import (
    LOGGED_OUT,
    STILL_PROCESSING,
    THROTTLED,
    RecordedSocrata,
    Scripted,
    missing_dataset,
)


@pytest.fixture
def recorded():
    with RecordedSocrata() as server:
        yield server


def _adapter(server: RecordedSocrata, *, secret: str | None = None) -> SocrataPortal:
    return SocrataPortal(
        SocrataCredentials(
            domain=server.domain,
            scheme="http",
            app_token=SecretStr(server.app_token),
            key_id=SecretStr(server.key_id),
            key_secret=SecretStr(secret or server.key_secret),
        )
    )


class Run:
    """Publishing through the recorded shapes, as a run does: adapter, state, engine."""

    def __init__(self, server: RecordedSocrata, state_dir) -> None:
        self.server = server
        self.portal = _adapter(server)
        self.state = PublicationState(state_dir, self.portal.key)

    def publish(self, slug: str):
        item = prepared(slug)
        return publish(
            item.frame, item.spec, self.portal, self.state, coordinates=item.dataset.coordinates
        )


@pytest.fixture
def run(recorded, tmp_path):
    handle = Run(recorded, tmp_path / "state")
    yield handle
    handle.portal.close()


SLUGS = pytest.mark.parametrize(
    "slug",
    ["vacunacion-covid19", "predios-propiedad-distrito", "indice-mensual-actividad-economica"],
    ids=["row-identifier", "points-and-money", "no-row-identifier"],
)


@SLUGS
def test_an_unchanged_dataset_sends_zero_writes(run, recorded, slug):
    first = run.publish(slug)
    view = recorded.views[first.asset_id]
    rid_column = view.get("rowIdentifierColumnId")
    if prepared(slug).spec.row_identifier:  # the shape that used to cost a PUT per run
        assert isinstance(rid_column, int) and view["metadata"]["rowIdentifier"] == rid_column
    assert view["licenseId"] == "CC_40_BY_SA"
    before = len(recorded.seen)

    again = run.publish(slug)

    second = recorded.seen[before:]
    assert [(s.method, s.path) for s in second if s.method != "GET"] == []
    assert again.outcome == "unchanged" and again.rows_sent == 0
    assert second[0].path == f"/api/views/{first.asset_id}.json"  # metadata read and compared
    assert view["metadata"].get("rowIdentifier") == rid_column  # untouched


def test_a_catalog_change_puts_only_that_key_and_keeps_socratas_own(run, recorded):
    first = run.publish("vacunacion-covid19")
    view = recorded.views[first.asset_id]
    server_metadata = {
        k: copy.deepcopy(view["metadata"][k]) for k in ("renderTypeConfig", "rdfSubject")
    }
    item = prepared("vacunacion-covid19")
    custom = copy.deepcopy(item.spec.custom_fields)
    custom["Información de Datos"]["Idioma"] = "Español y Inglés"
    changed = dataclasses.replace(
        item.spec, description="Otra descripción del conjunto.", custom_fields=custom
    )
    before = len(recorded.seen)

    run.portal.update_metadata(first.asset_id, changed)

    [put] = recorded.writes()[-1:]
    assert recorded.seen[before:] == [recorded.seen[before], put]  # one read, one write
    assert set(put.body) == {"description", "metadata"}
    assert put.body["metadata"]["rowIdentifier"] == view["rowIdentifierColumnId"]  # kept as is
    assert {k: put.body["metadata"][k] for k in server_metadata} == server_metadata
    assert view["metadata"]["custom_fields"]["Información de Datos"]["Idioma"] == "Español y Inglés"
    before = len(recorded.seen)
    run.portal.update_metadata(first.asset_id, changed)  # now the portal agrees
    assert recorded.writes()[-1] is put and len(recorded.seen) == before + 1


def test_unverified_variations_are_not_taken_for_changes(run, recorded):
    """What Socrata may also do, unconfirmed by a recording: lowercase and reorder tags, drop
    a custom field left blank, return the row identifier as a string. None is a change."""
    first = run.publish("vacunacion-covid19")
    view = recorded.views[first.asset_id]
    view["tags"] = sorted((t.lower() for t in view["tags"]), reverse=True)
    for fields in view["metadata"]["custom_fields"].values():
        for key in [k for k, value in fields.items() if value == ""]:
            del fields[key]
    view["metadata"]["rowIdentifier"] = str(view["metadata"]["rowIdentifier"])
    before = len(recorded.writes())
    run.publish("vacunacion-covid19")
    assert len(recorded.writes()) == before


def test_license_codes_are_sent_not_titles(run, recorded):
    outcome = run.publish("indice-mensual-actividad-economica")
    [create] = [s for s in recorded.seen if s.path == "/api/views.json"]
    assert create.body["licenseId"] == "CC_40_BY_SA"
    assert recorded.views[outcome.asset_id]["licenseId"] == "CC_40_BY_SA"
    item = prepared("indice-mensual-actividad-economica")
    odd = dataclasses.replace(item.spec, license="Licencia propia de la Alcaldía")
    with pytest.raises(PortalError) as refused:
        run.portal.update_metadata(outcome.asset_id, odd)
    assert "licencia desconocida «Licencia propia de la Alcaldía»" in str(refused.value)
    assert not refused.value.transient


# --- error bodies ---------------------------------------------------------------------------


def test_writes_without_a_valid_login_are_a_spanish_credentials_error(recorded):
    recorded.views["abcd-1234"] = {"id": "abcd-1234"}
    portal = _adapter(recorded, secret="equivocado")
    item = prepared("vacunacion-covid19")
    with pytest.raises(PortalError) as refused:
        portal.upsert("abcd-1234", item.spec, [])
    assert refused.value.status == 403 and not refused.value.transient
    assert "rechazó las credenciales" in str(refused.value) and "SOCRATA_KEY_ID" in str(
        refused.value
    )
    assert recorded.seen[-1].method == "POST"
    assert LOGGED_OUT["message"].startswith("You must be logged in")
    portal.close()


def test_write_access_reads_the_views_rights_as_socrata_lists_them(run, recorded):
    """A view lists what the requesting account may do on it ([create]'s `rights`): the
    owner's list lets the run write; an account that may only read is refused before any
    write, in Spanish, naming what it may do."""
    first = run.publish("vacunacion-covid19")
    spec = prepared("vacunacion-covid19").spec
    before = len(recorded.seen)
    run.portal.check_write_access(first.asset_id, spec)
    recorded.views[first.asset_id]["rights"] = ["read"]
    with pytest.raises(PortalError) as refused:
        run.portal.check_write_access(first.asset_id, spec)
    assert refused.value.status == 403 and not refused.value.transient
    assert "no tiene permiso de escritura" in str(refused.value)
    assert "(sus permisos: read)" in str(refused.value)
    assert [s.method for s in recorded.seen[before:]] == ["GET", "GET"]


def test_a_missing_dataset_is_a_spanish_not_found_error(recorded):
    portal = _adapter(recorded)
    with pytest.raises(PortalError) as missing:
        portal.count("zzzz-9999")
    assert missing.value.status == 404 and not missing.value.transient
    assert str(missing.value) == "El conjunto zzzz-9999 no existe en datos.gov.co (HTTP 404)."
    assert missing_dataset("zzzz-9999")["errorCode"] == "soda.dataset.not-found"
    portal.close()


def test_a_read_still_processing_is_asked_again_not_read_as_rows(run, recorded, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_BACKOFF", "0.01")
    outcome = run.publish("indice-mensual-actividad-economica")
    resource = f"/resource/{outcome.asset_id}.json"
    recorded.script.append(Scripted("GET", resource, 202, STILL_PROCESSING, times=2))
    assert run.portal.count(outcome.asset_id) == 72  # after two 202s, the 200
    assert [s.path for s in recorded.seen[-3:]] == [resource] * 3
    recorded.script.append(Scripted("GET", resource, 202, STILL_PROCESSING, times=100))
    with pytest.raises(PortalError) as pending:
        run.portal.count(outcome.asset_id)
    assert pending.value.transient and pending.value.status == 202
    assert str(pending.value) == ERR_PROCESSING.format(portal="datos.gov.co", attempts=6)


def test_throttling_that_does_not_stop_is_a_transient_error(recorded, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_RETRIES", "2")
    monkeypatch.setenv("DATOS_CALI_BACKOFF", "0.01")
    recorded.views["abcd-1234"] = {"id": "abcd-1234"}
    recorded.script.append(
        Scripted(
            "GET", "/resource/abcd-1234", 429, THROTTLED, times=10, headers={"Retry-After": "0"}
        )
    )
    portal = _adapter(recorded)
    with pytest.raises(PortalError) as throttled:
        portal.count("abcd-1234")
    assert throttled.value.transient and throttled.value.status == 429
    assert "no respondió bien tras varios intentos (HTTP 429)" in str(throttled.value)
    assert len([s for s in recorded.seen if s.path == "/resource/abcd-1234.json"]) == 3
    portal.close()


# --- the local portal answers in the same shapes ---------------------------------------------


def test_the_local_portal_answers_in_the_recorded_shapes(recorded, tmp_path):
    """What the adapter relies on, asked of both servers the same way: a divergence of the local
    portal from the recorded shapes fails here. (Error bodies differ in their keys — SODA 2.1's
    `errorCode` vs the views API's `code` — and the adapter reads only the status.)"""
    item = prepared("predios-propiedad-distrito")
    rows = [
        {
            "numero_predial_nacional": "760010102022126452774000001318",
            "avaluo_catastral": 2607028000,
        }
    ]
    with LocalPortal(tmp_path / "portal").start() as local:
        answers = {}
        for name, adapter in (
            ("recorded", _adapter(recorded)),
            ("local", SocrataPortal(SocrataCredentials.for_local(local))),
        ):
            asset = adapter.create_dataset(item.spec)
            adapter.upsert(asset, item.spec, rows)
            view = adapter._reads.get_metadata(asset)
            soda = adapter._reads.session.get(
                f"http://{adapter.credentials.domain}/resource/{asset}.json",
                params={"$order": ":id"},
                timeout=10,
            )
            missing = adapter._reads.session.get(
                f"http://{adapter.credentials.domain}/resource/zzzz-9999.json", timeout=10
            )
            answers[name] = (view, soda, missing)
            adapter.close()
    for view, soda, missing in answers.values():
        rid = view["metadata"]["rowIdentifier"]
        assert isinstance(rid, int) and rid == view["rowIdentifierColumnId"]
        assert rid == next(
            c["id"] for c in view["columns"] if c["fieldName"] == item.spec.row_identifier
        )
        assert view["licenseId"] == "CC_40_BY_SA"
        assert {"id", "name", "fieldName", "dataTypeName", "position", "renderTypeName"} <= set(
            view["columns"][0]
        )
        assert soda.headers["Content-Type"].replace(" ", "") == "application/json;charset=utf-8"
        assert soda.json()[0]["avaluo_catastral"] == "2607028000"  # numbers as text
        assert soda.headers["X-Socrata-RequestId"]
        assert missing.status_code == 404
    recorded_soda, local_soda = answers["recorded"][1], answers["local"][1]
    for header in ("X-SODA2-Fields", "X-SODA2-Types"):
        assert local_soda.headers[header] == recorded_soda.headers[header]
        assert ", " not in local_soda.headers[header]  # compact JSON, as recorded
