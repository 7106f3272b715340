"""Fixtures for publishing tests: demo datasets read for real, and a local portal over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from datos_cali.catalog import Dataset, load_catalog
from datos_cali.catalog.models import PortalName
from datos_cali.contracts import load_contract
from datos_cali.portals.base import DatasetSpec, PortalError
from datos_cali.portals.engine import publish
from datos_cali.portals.records import canonical_rows, differences
from datos_cali.portals.session import PortalSession
from datos_cali.portals.spec import build_spec
from datos_cali.portals.state import PublicationState
from datos_cali.precheck import precheck

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


class Publisher:
    """A run's view of the local portal: the adapter, its state, and the server's request log."""

    def __init__(self, state_dir: Path, target: PortalName = PortalName.DATOS_GOV_CO):
        self.target = target
        self.session = PortalSession(state_dir)
        self.portal = self.session.portal(target)
        self.local = self.session.local
        self.state = PublicationState(state_dir, self.portal.key)

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
        self.session.close()


def _opened(tmp_path: Path, target: PortalName) -> Iterator[Publisher]:
    handle = Publisher(tmp_path / "run", target)
    yield handle
    handle.close()


@pytest.fixture
def publisher(tmp_path):
    yield from _opened(tmp_path, PortalName.DATOS_GOV_CO)


@pytest.fixture
def ckan_publisher(tmp_path):
    """The same, publishing to the local portal's CKAN side through ckanapi."""
    yield from _opened(tmp_path, PortalName.DATOS_CALI)


@pytest.fixture(params=[PortalName.DATOS_GOV_CO, PortalName.DATOS_CALI], ids=["socrata", "ckan"])
def any_publisher(request, tmp_path):
    """Each adapter in turn, for what both promise alike."""
    yield from _opened(tmp_path, request.param)


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
