"""A temporary catalog of many small datasets with their inbox files (benchmark B4).

Built the way tests/pipeline/conftest.py's MiniCatalog builds one: the repository's
organismos and schemas copied, one YAML per dataset (the vaccination entry under new slugs),
and the library pointed at it through DATOS_CALI_CATALOG, DATOS_CALI_SCHEMAS and
DATOS_CALI_STATE.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bench.data import vaccination_table, write_csv

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "vacunacion-covid19"
ORGANISMO = "salud"


def build(folder: Path, datasets: int, rows: int, *, target: str = "datos.gov.co") -> dict:
    """Write the catalog, schemas and inbox files under `folder`; returns the environment."""
    catalog, schemas, state = folder / "datasets", folder / "schemas", folder / "state"
    (catalog / ORGANISMO).mkdir(parents=True)
    shutil.copy(ROOT / "datasets" / "organismos.yaml", catalog)
    shutil.copytree(ROOT / "schemas", schemas)
    [template_path] = (ROOT / "datasets").glob(f"*/{TEMPLATE}.yaml")
    template = yaml.safe_load(template_path.read_text(encoding="utf-8"))
    inbox = state / "inbox" / ORGANISMO
    inbox.mkdir(parents=True)
    for number in range(datasets):
        slug = slug_of(number)
        entry = {
            **template,
            "slug": slug,
            "title": f"Vacunación contra COVID-19 en Cali, lote {number:03d}",
            "source": {"kind": "inbox", "pattern": f"{slug}_*"},
            "targets": [{"portal": target}],
            "demo": None,
        }
        (catalog / ORGANISMO / f"{slug}.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        table = vaccination_table(rows, seed=number, first_id=1 + number * rows)
        write_csv(table, inbox / f"{slug}_envio.csv")
    return {
        "DATOS_CALI_CATALOG": str(catalog),
        "DATOS_CALI_SCHEMAS": str(schemas),
        "DATOS_CALI_STATE": str(state),
        "DATOS_CALI_INBOX_SETTLE_SECONDS": "0",  # the files were written before the clock starts
    }


def slug_of(number: int) -> str:
    return f"vacunacion-lote-{number:03d}"
