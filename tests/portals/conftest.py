"""Fixtures for publishing tests: demo datasets read for real, and a local portal over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
from pydantic import SecretStr

from datos_cali.catalog import Dataset, load_catalog
from datos_cali.catalog.models import PortalName
from datos_cali.contracts import load_contract
from datos_cali.portals.base import DatasetSpec, PortalError
from datos_cali.portals.credentials import CkanCredentials
from datos_cali.portals.engine import publish
from datos_cali.portals.records import canonical_rows, differences
from datos_cali.portals.session import PortalSession
from datos_cali.portals.spec import build_spec
from datos_cali.portals.state import PublicationState
from datos_cali.precheck import precheck
from tests.fixtures import ckan as real
from tests.fixtures import postgres
from tests.fixtures.postgres import postgres_url  # noqa: F401 — the real CKANs' cluster
from tests.fixtures.solr_standin import SolrStandIn

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Prepared:
    dataset: Dataset
    spec: DatasetSpec
    frame: pd.DataFrame


_CACHE: dict[str, Prepared] = {}


def prepared(slug: str) -> Prepared:
    """A demo submission read, typed and validated the way a run does it (cached per session)."""
    if slug not in _CACHE:
        catalog = load_catalog(ROOT / "datasets")
        dataset = catalog.datasets[slug]
        contract = load_contract(dataset.schema_name, ROOT / "schemas")
        result = precheck(ROOT / dataset.demo, dataset, contract)
        assert result.publishable, result.errors
        spec = build_spec(dataset, contract, catalog.organismos.get(dataset.organismo))
        _CACHE[slug] = Prepared(dataset, spec, result.typed.frame)
    item = _CACHE[slug]
    return Prepared(item.dataset, item.spec, item.frame.copy())


def all_demo_slugs() -> list[str]:
    return sorted(load_catalog(ROOT / "datasets").datasets)


CKAN_WRITES = frozenset(
    {
        "organization_create",
        "package_create",
        "package_update",
        "package_patch",
        "package_delete",
        "resource_create",
        "resource_update",
        "resource_patch",
        "resource_delete",
        "datastore_create",
        "datastore_upsert",
        "datastore_delete",
    }
)


@dataclass
class Sent:
    """One action the adapter sent, as it went over the wire (seen by a requests hook)."""

    action: str
    status: int
    body: dict

    @property
    def resource_id(self) -> str | None:
        return self.body.get("resource_id") or self.body.get("id")


class Recorder:
    """Every CKAN action an adapter sends, with its JSON body: a response hook on the requests
    sessions ckanapi uses (observing, not replacing: the server answers for real)."""

    def __init__(self, portal):
        self.sent: list[Sent] = []
        for client in (portal._reads, portal._writes, portal._careful):
            client.session.hooks["response"].append(self._seen)

    def _seen(self, response, *args, **kwargs):
        request = response.request
        action = (request.url or "").split("?", 1)[0].rsplit("/", 1)[-1]
        try:
            body = json.loads(request.body) if request.body else {}
        except (TypeError, ValueError):
            body = {}
        self.sent.append(Sent(action, response.status_code, body))

    def writes(self) -> list[Sent]:
        return [s for s in self.sent if s.action in CKAN_WRITES and s.status < 400]

    def clear(self) -> None:
        self.sent.clear()


class Publisher:
    """A run's view of one portal: the adapter, its state, and the server's own request log.

    By default the local portal; with `server` (a real CKAN from tests/fixtures/ckan.py) the
    CKAN adapter publishes there instead."""

    def __init__(
        self,
        state_dir: Path,
        target: PortalName = PortalName.DATOS_GOV_CO,
        server: real.CkanServer | None = None,
    ):
        self.target = target
        self.server = server
        credentials = {}
        if server is not None:
            token = SecretStr(server.token)
            credentials[target.value] = CkanCredentials(url=server.url, api_token=token)
        self.session = PortalSession(state_dir, credentials)
        self.portal = self.session.portal(target)
        self.state = PublicationState(state_dir, self.portal.key)
        self.recorder = Recorder(self.portal) if target == PortalName.DATOS_CALI else None
        if server is None:
            self.local = self.session.local
            self.site, self.token = self.local.url, self.local.credentials.ckan_token
        else:
            self.local = None
            self.site, self.token = server.url, server.token

    @property
    def name(self) -> str:
        return "local" if self.server is None else f"ckan-{self.server.version}"

    def mark(self) -> int:
        """A point in the server's request log (see `writes_since`)."""
        if self.server is not None:
            return self.server.mark()
        log = self.local.request_log()
        return log[-1].id if log else 0

    def writes_since(self, mark: int) -> list[str]:
        """Write actions the SERVER answered with success since `mark`, from its own log."""
        if self.server is not None:
            return [
                name
                for name, status in self.server.requests_since(mark)
                if name in CKAN_WRITES and status < 400
            ]
        return [
            e.path.rsplit("/", 1)[-1]
            for e in self.local.request_log()
            if e.id > mark
            and e.method in ("POST", "PUT", "DELETE")
            and e.status < 400
            and (e.path.rsplit("/", 1)[-1] in CKAN_WRITES or "/api/3/" not in e.path)
        ]

    def purge(self) -> None:
        """Remove from a real CKAN every package this publisher touched (names are global)."""
        if self.server is None or self.recorder is None:
            return
        names = {
            s.body.get("name") or s.body.get("id")
            for s in self.recorder.sent
            if s.action in ("package_create", "package_show")
        }
        for name in filter(None, names):
            requests.post(
                f"{self.server.url}/api/3/action/dataset_purge",
                json={"id": name},
                headers={"Authorization": self.server.token},
                timeout=60,
            )

    def publish(self, item: Prepared, frame: pd.DataFrame | None = None, **kwargs):
        return publish(
            item.frame if frame is None else frame,
            item.spec,
            self.portal,
            self.state,
            coordinates=item.dataset.coordinates,
            **kwargs,
        )

    def all_rows(self, asset_id: str, spec: DatasetSpec) -> list[dict]:
        rows, offset = [], 0
        while True:
            page = self.portal.rows_page(asset_id, spec, offset, 50_000)
            rows.extend(page)
            if len(page) < 50_000:
                return rows
            offset += 50_000

    def close(self):
        try:
            self.purge()
        finally:
            self.session.close()


def _opened(tmp_path: Path, target: PortalName, server=None) -> Iterator[Publisher]:
    handle = Publisher(tmp_path / "run", target, server)
    yield handle
    handle.close()


# --- real CKAN ---------------------------------------------------------------------------------

CKAN_SERVERS = [
    "local",
    *(pytest.param(v, marks=pytest.mark.ckan, id=f"ckan-{v}") for v in real.VERSIONS),
]


@pytest.fixture(scope="session")
def real_ckan(postgres_url):  # noqa: F811
    """Starts a real CKAN of a given version on first request; all stop with the session."""
    started: dict[str, real.CkanServer] = {}
    stand_ins: list[SolrStandIn] = []
    redis: list[real.Redis] = []

    def server(version: str) -> real.CkanServer:
        if version not in started:
            if not redis:
                redis.append(real.Redis.start(Path(postgres._shared.root)))
            solr = SolrStandIn(".".join(version.split(".")[:2])).start()
            stand_ins.append(solr)
            try:
                started[version] = real.start(
                    version, postgres._shared, redis[0], solr.url, len(started) + 1
                )
            except real.CkanSetupError as exc:
                pytest.fail(str(exc), pytrace=False)
        return started[version]

    yield server
    for running in started.values():
        running.stop()
    for solr in stand_ins:
        solr.stop()
    for each in redis:
        each.stop()


def _ckan_handle(request, tmp_path) -> Iterator[Publisher]:
    server = (
        None if request.param == "local" else request.getfixturevalue("real_ckan")(request.param)
    )
    yield from _opened(tmp_path, PortalName.DATOS_CALI, server)


@pytest.fixture
def publisher(tmp_path):
    yield from _opened(tmp_path, PortalName.DATOS_GOV_CO)


@pytest.fixture(params=CKAN_SERVERS)
def ckan_publisher(request, tmp_path):
    """The CKAN adapter through ckanapi: to the local portal, then to each real CKAN."""
    yield from _ckan_handle(request, tmp_path)


@pytest.fixture
def local_ckan_publisher(tmp_path):
    """The local portal's CKAN side only: for what only it can do (faults, its request ids,
    page views without a tracking plugin)."""
    yield from _opened(tmp_path, PortalName.DATOS_CALI)


@pytest.fixture(
    params=[
        pytest.param("socrata", id="socrata"),
        pytest.param("local", id="ckan"),
        *(pytest.param(v, marks=pytest.mark.ckan, id=f"ckan-{v}") for v in real.VERSIONS),
    ]
)
def any_publisher(request, tmp_path):
    """Each adapter in turn, for what both promise alike; CKAN also on each real CKAN."""
    if request.param == "socrata":
        yield from _opened(tmp_path, PortalName.DATOS_GOV_CO)
    else:
        yield from _ckan_handle(request, tmp_path)


def assert_portal_equals_source(publisher, outcome, item, frame=None):
    frame = item.frame if frame is None else frame
    expected = canonical_rows(frame, item.spec, item.dataset.coordinates)
    actual = publisher.all_rows(outcome.asset_id, item.spec)
    assert publisher.portal.count(outcome.asset_id) == len(expected)
    fields = item.spec.fields
    if item.spec.row_identifier:
        key = item.spec.row_identifier
        by_key = {str(row[key]): row for row in actual}
        assert len(by_key) == len(actual), "duplicate rows on the portal"
        pairs = [(row, by_key.get(str(row[key]), {})) for row in expected]
    else:
        pairs = list(zip(expected, actual, strict=True))
    mismatched = [differences(want, got, fields) for want, got in pairs]
    assert not any(mismatched), [m for m in mismatched if m][:3]


def publish_with_retries(publisher, item, frame=None, *, attempts: int, **kwargs):
    """Publish as the flow does: transient failures are tried again, anything else fails."""
    for _attempt in range(attempts):
        try:
            return publisher.publish(item, frame, **kwargs)
        except PortalError as exc:
            assert exc.transient, exc
    raise AssertionError(f"no convergence in {attempts} attempts")


def one_percent_changed(item: Prepared) -> tuple[pd.DataFrame, set[str]]:
    """vacunacion-covid19 with 300 rows changed, 50 removed and 100 added, and the row
    identifiers of exactly those rows."""
    frame = item.frame.copy()
    rng = np.random.default_rng(7)
    changed = rng.choice(len(frame), size=300, replace=False)
    frame.loc[changed, "ips_vacunadora"] = "IPS de prueba"
    removed = frame.index[~frame.index.isin(changed)][:50]
    removed_keys = set(frame.loc[removed, "id_registro"])
    frame = frame.drop(index=removed)
    added = frame.iloc[:100].copy()
    added["id_registro"] = [f"VAC-9{i:06d}" for i in range(100)]
    frame = pd.concat([frame, added], ignore_index=True)
    expected = (
        set(item.frame.loc[changed, "id_registro"]) | set(added["id_registro"]) | removed_keys
    )
    return frame, expected
