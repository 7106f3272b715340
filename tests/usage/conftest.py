"""Usage tests: snapshots on SQLite and PostgreSQL, and a small catalog over several organismos."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from datos_cali.ledger import open_ledger
from datos_cali.usage import Snapshot, UsageStore
from tests.fixtures.postgres import fresh_postgres_url, postgres_url  # noqa: F401
from tests.ledger.conftest import db_url  # noqa: F401  (SQLite and PostgreSQL, as the ledger's)
from tests.pipeline.conftest import IMAE, ROOT, MiniCatalog

TEMPLATE = ROOT / "datasets" / "planeacion" / "indice-mensual-actividad-economica.yaml"
BOGOTA = dt.timezone(dt.timedelta(hours=-5))


@pytest.fixture
def store(db_url):  # noqa: F811  (the imported fixture)
    with open_ledger(db_url) as ledger:
        yield UsageStore(ledger)


def reading(
    day: str, views: int, downloads: int, *, asset="abcd-1234", hour=20, **rest
) -> Snapshot:
    """A snapshot taken at `hour` (Bogotá) on `day` (YYYY-MM-DD)."""
    moment = dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=BOGOTA)
    values = {
        "portal": "socrata@local",
        "target": "datos.gov.co",
        "asset_id": asset,
        "dataset": "imae",
        "organismo": "planeacion",
        "day": moment.date(),
        "views": views,
        "downloads": downloads,
        "collected_at": moment.astimezone(dt.UTC),
        **rest,
    }
    return Snapshot(**values)


class OfficeCatalog(MiniCatalog):
    """MiniCatalog with datasets in any organismo (its folder) and the office's own entries."""

    def add_to(self, organismo: str, slug: str, **changes) -> str:
        entry = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
        entry.update(
            {
                "slug": slug,
                "title": f"IMAE de prueba {slug}",
                "organismo": organismo,
                "source": {"kind": "file", "location": str(IMAE)},
                "targets": [{"portal": "datos.gov.co"}],
                "demo": None,
                **changes,
            }
        )
        folder = self.root / "datasets" / organismo
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return slug

    def add_office_dataset(self, slug: str) -> str:
        """The repository's entry for one of the office's datasets, on datos.gov.co only."""
        source = ROOT / "datasets" / "transparencia" / f"{slug}.yaml"
        entry = yaml.safe_load(source.read_text(encoding="utf-8"))
        entry["targets"] = [{"portal": "datos.gov.co"}]
        folder = self.root / "datasets" / "transparencia"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / source.name).write_text(
            yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return slug


@pytest.fixture
def office(tmp_path, monkeypatch):
    return OfficeCatalog(tmp_path / "catalogo", monkeypatch)
