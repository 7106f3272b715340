"""Fixtures for publishing tests: demo datasets read for real, and a local portal over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from datos_cali.catalog import Dataset, load_catalog
from datos_cali.catalog.models import Portal as Target
from datos_cali.contracts import load_contract
from datos_cali.portals.base import DatasetSpec
from datos_cali.portals.session import PortalSession
from datos_cali.portals.spec import build_spec
from datos_cali.portals.state import PublicationState
from datos_cali.precheck import precheck
from datos_cali.publish import publish

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

    def __init__(self, state_dir: Path, target: Target = Target.DATOS_GOV_CO):
        self.session = PortalSession(state_dir, use_env=False)
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


@pytest.fixture
def publisher(tmp_path):
    handle = Publisher(tmp_path / "run")
    yield handle
    handle.close()


@pytest.fixture
def ckan_publisher(tmp_path):
    """The same, publishing to the local portal's CKAN side through ckanapi."""
    handle = Publisher(tmp_path / "run", Target.DATOS_CALI)
    yield handle
    handle.close()
