"""The local portal against a real CKAN: the same requests, the same shapes.

One dataset is published through the CKAN adapter to the local portal and to a real CKAN
(2.11.6 and 2.12.0, marker `ckan`); then the read actions harvesters and clients use are sent
to both and their answers compared: every key the local portal answers exists on the real one
with a value of the same JSON type (the local portal invents nothing), the keys clients read
exist on both, and the ordering rules agree (names sorted, tags by name). A new divergence in
the local portal fails here. `package_search` is compared by shape only: the real CKAN's Solr
is a stand-in that finds nothing (tests/fixtures/solr_standin.py).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from datos_cali.catalog.models import PortalName
from tests.fixtures import ckan as real
from tests.portals.conftest import Publisher, prepared

SLUG = "contratacion-parque-pacifico"  # row identifier, dates, money, several tags and extras
# Keys clients read (ckanapi dump, frictionless, harvesters): both servers must have them.
PACKAGE_KEYS = {
    "id", "name", "title", "notes", "private", "state", "owner_org", "organization", "tags",
    "extras", "resources", "license_id", "license_title", "metadata_created",
    "metadata_modified", "num_resources", "num_tags", "type",
}  # fmt: skip
RESOURCE_KEYS = {"id", "package_id", "name", "url", "format", "position", "datastore_active"}


def seconds(value: Any) -> Any:
    """A DataStore timestamp to the second: CKAN 2.12 adds «.000», 2.11 and the local portal
    do not (both are valid ISO 8601; the adapter reads either)."""
    if isinstance(value, str) and len(value) == 23 and value[10] == "T" and value[19] == ".":
        return value[:19]
    return value


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def divergences(local: Any, remote: Any, path: str = "$") -> list[str]:
    """Where `local` answers something `remote` (the real CKAN) does not, or of another type.
    A null on either side matches any type (CKAN leaves unset fields null)."""
    if local is None or remote is None:
        return []
    if kind(local) != kind(remote):
        return [f"{path}: local {kind(local)}, CKAN {kind(remote)}"]
    found = []
    if isinstance(local, dict):
        for key, value in local.items():
            if key not in remote:
                found.append(f"{path}.{key}: only on the local portal")
            else:
                found += divergences(value, remote[key], f"{path}.{key}")
    elif isinstance(local, list) and local and remote:
        found += divergences(local[0], remote[0], f"{path}[0]")
    return found


class Both:
    """The same action to the local portal and to the real CKAN."""

    def __init__(self, local: Publisher, remote: Publisher):
        self.sides = (local, remote)

    def call(self, action: str, **data) -> tuple[dict, dict]:
        answers = []
        for side in self.sides:
            answer = requests.post(
                f"{side.site}/api/3/action/{action}",
                json=data,
                headers={"Authorization": side.token},
                timeout=60,
            )
            answers.append(answer)
        statuses = [a.status_code for a in answers]
        assert statuses[0] == statuses[1], (action, statuses, [a.text[:300] for a in answers])
        return answers[0].json(), answers[1].json()

    def same_shape(self, action: str, **data) -> tuple[Any, Any]:
        local, remote = self.call(action, **data)
        assert set(local) == {"help", "success", "result"} <= set(remote)
        assert divergences(local["result"], remote["result"]) == [], action
        return local["result"], remote["result"]


@pytest.fixture(
    params=[pytest.param(v, marks=pytest.mark.ckan, id=f"ckan-{v}") for v in real.VERSIONS]
)
def both(request, tmp_path, real_ckan):
    local = Publisher(tmp_path / "local", PortalName.DATOS_CALI)
    remote = Publisher(tmp_path / "real", PortalName.DATOS_CALI, real_ckan(request.param))
    item = prepared(SLUG)
    for side in (local, remote):
        side.publish(item)
    try:
        yield Both(local, remote)
    finally:
        local.close()
        remote.close()


def test_package_reads_have_ckans_shape_and_order(both):
    local, remote = both.same_shape("package_show", id=SLUG)
    assert set(local) >= PACKAGE_KEYS and set(remote) >= PACKAGE_KEYS
    for shown in (local, remote):
        names = [t["name"] for t in shown["tags"]]
        assert names == sorted(names)  # tags sorted by name on both
        assert set(shown["resources"][0]) >= RESOURCE_KEYS
    assert [t["name"] for t in local["tags"]] == [t["name"] for t in remote["tags"]]
    assert sorted(map(str, local["extras"])) == sorted(map(str, remote["extras"]))

    # From 2.9 CKAN builds this list with package_search: empty here (Solr stand-in).
    local, remote = both.same_shape("current_package_list_with_resources")
    assert SLUG in {p["name"] for p in local} and remote == []
    for action in ("package_list", "organization_list"):
        local, remote = both.same_shape(action)
        assert local == sorted(local) and remote == sorted(remote), action
    local, remote = both.same_shape("package_list")
    assert SLUG in local and SLUG in remote
    local, remote = both.same_shape("tag_list")  # CKAN answers these in database order
    assert set(local) == set(remote)
    both.same_shape("organization_list", all_fields=True)
    local, remote = both.same_shape("status_show")
    assert {"ckan_version", "site_url", "extensions"} <= set(local) & set(remote)
    both.same_shape("package_search", q="*:*", fq="organization:contratacion-publica", rows=5)


def test_the_write_access_reads_have_ckans_shape(both):
    """What `check_write_access` asks: the organizations the token may publish in, and the
    sysadmins-only `config_option_list` (answered on both; 403 on both without a token)."""
    for permission in ("create_dataset", "update_dataset"):
        local, remote = both.same_shape("organization_list_for_user", permission=permission)
        owner = prepared(SLUG).spec.organismo
        assert owner in {o["name"] for o in local} & {o["name"] for o in remote}
    both.same_shape("config_option_list")
    statuses = [
        requests.post(f"{side.site}/api/3/action/config_option_list", json={}, timeout=60)
        for side in both.sides
    ]
    assert [answer.status_code for answer in statuses] == [403, 403]


def test_datastore_reads_have_ckans_shape(both):
    tables = [
        next(r["id"] for r in both.call("package_show", id=SLUG)[n]["result"]["resources"])
        for n in (0, 1)
    ]

    def same(action: str, **data):
        answers = []
        for side, table in zip(both.sides, tables, strict=True):
            answer = requests.post(
                f"{side.site}/api/3/action/{action}",
                json={"resource_id": table, **data},
                headers={"Authorization": side.token},
                timeout=60,
            )
            answers.append(answer)
        assert answers[0].status_code == answers[1].status_code, [a.text[:300] for a in answers]
        local, remote = (a.json() for a in answers)
        assert divergences(local, remote) == [], (action, data)
        return local, remote

    views = [
        requests.post(
            f"{side.site}/api/3/action/resource_view_list", json={"id": table}, timeout=60
        ).json()
        for side, table in zip(both.sides, tables, strict=True)
    ]
    assert views[0]["result"] == [] and isinstance(views[1]["result"], list)
    local, remote = same("datastore_info")
    assert local["result"]["meta"]["count"] == remote["result"]["meta"]["count"]
    fields = ["numero_contrato", "valor_inicial"]
    local, remote = same("datastore_search", fields=fields, sort="valor_inicial desc", limit=5)
    for answer in (local, remote):
        assert [f["id"] for f in answer["result"]["fields"]] == fields
    assert local["result"]["records"] == remote["result"]["records"]  # same rows, same order
    local, remote = same("datastore_search", records_format="lists", limit=3)
    assert local["result"]["records"] == [
        [seconds(v) for v in row] for row in remote["result"]["records"]
    ]
    local, remote = same("datastore_search", q="suministro", limit=0)
    assert local["result"]["total"] == remote["result"]["total"]
    local, remote = same("datastore_search", fields=["no_existe", "tampoco"], limit=0)
    for answer in (local, remote):
        error = answer["error"]
        assert error["__type"] == "Validation Error" and "message" not in error
        assert len(error["fields"]) >= 1
