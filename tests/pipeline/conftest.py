"""A small catalog per test: the IMAE contract under several sources, and a ledger + portal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from datos_cali.ledger import open_ledger
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths

ROOT = Path(__file__).resolve().parents[2]
IMAE = ROOT / "demo" / "indice-mensual-actividad-economica" / "IMAE_Cali.csv"


class MiniCatalog:
    """Writes dataset entries into a temporary catalog the library reads through DATOS_CALI_*."""

    def __init__(self, root: Path, monkeypatch):
        self.root = root
        (root / "datasets" / "planeacion").mkdir(parents=True)
        shutil.copy(ROOT / "datasets" / "organismos.yaml", root / "datasets")
        shutil.copytree(ROOT / "schemas", root / "schemas")
        monkeypatch.setenv("DATOS_CALI_CATALOG", str(root / "datasets"))
        monkeypatch.setenv("DATOS_CALI_SCHEMAS", str(root / "schemas"))

    def add(
        self,
        slug: str,
        source: dict,
        *,
        targets=("datos.gov.co",),
        template: str = "indice-mensual-actividad-economica",
        **changes,
    ) -> str:
        """A dataset like `template` (a catalog slug) under a new slug, source and targets."""
        [template_path] = (ROOT / "datasets").glob(f"*/{template}.yaml")
        entry = yaml.safe_load(template_path.read_text(encoding="utf-8"))
        entry.update(
            {
                "slug": slug,
                "title": f"Prueba {slug}",
                "organismo": "planeacion",
                "schema": template,
                "source": source,
                "targets": [{"portal": t} for t in targets],
                "demo": None,
                **changes,
            }
        )
        path = self.root / "datasets" / "planeacion" / f"{slug}.yaml"
        path.write_text(
            yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return slug

    def drop_in_inbox(self, name: str = "IMAE_Cali.csv", data: bytes | None = None) -> Path:
        folder = paths().inbox / "planeacion"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        target.write_bytes(IMAE.read_bytes() if data is None else data)
        return target


@pytest.fixture
def mini(tmp_path, monkeypatch):
    return MiniCatalog(tmp_path / "catalogo", monkeypatch)


@pytest.fixture
def session():
    with PortalSession(paths().state) as handle:
        yield handle


@pytest.fixture
def ledger():
    with open_ledger() as handle:
        yield handle
