"""A report site built from real runs: the local portal over HTTP, the SQLite ledger, real reports.

The runs are the pipeline's own (`datos_cali.pipeline`), over a copy of the repository's catalog
whose datasets publish to datos.gov.co only (the CKAN adapter is another issue's work). Built
once per test session; tests only read what it wrote.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from datos_cali import pipeline
from datos_cali.catalog import load_catalog
from datos_cali.ledger import open_ledger
from datos_cali.portals.session import PortalSession
from datos_cali.reportsite import Site, build_site
from datos_cali.settings import paths
from tests.reportsite import provider

ROOT = Path(__file__).resolve().parents[2]
IMAE = "indice-mensual-actividad-economica"
CONTRATOS = "contratacion-urgencia-manifiesta"
IMAE_FILE = ROOT / "demo" / IMAE / "IMAE_Cali.csv"
CONTRATOS_FILE = ROOT / "demo" / CONTRATOS / "contratos_urgencia_manifiesta_2021.csv"
# Not a number in «Índice» (row 2) and a month that does not exist (row 3): a contract failure.
REJECTED_FILE = (
    "Año;Mes;Índice (2015=100);Variación anual (%)\r\n2016;enero;cien;\r\n2016;febrerito;100,2;\r\n"
).encode("cp1252")
BUILT_AT = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def socrata_only_catalog(folder: Path) -> Path:
    """The repository's catalog, every dataset publishing to datos.gov.co only."""
    shutil.copytree(ROOT / "datasets", folder)
    for path in folder.glob("*/*.yaml"):
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        entry["targets"] = [{"portal": "datos.gov.co"}]
        path.write_text(yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


def drop(organismo: str, name: str, data: bytes) -> None:
    folder = paths().inbox / organismo
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def run_like_the_flow(slug: str, session: PortalSession, ledger) -> pipeline.DatasetRun:
    """The flow's sequence without Prefect, Great Expectations included (as in production)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATOS_CALI_GX", "1")
        return pipeline.run_dataset(slug, session, ledger)


@dataclass(frozen=True)
class Populated:
    site: Site
    state: Path
    catalog: Path
    first_sha: str  # IMAE as first published (with Great Expectations)
    published_sha: str  # IMAE as last published: what the portal holds
    rejected_sha: str  # IMAE's rejected submission, the dataset's latest run
    rejected_run: str
    contratos_sha: str
    portal_hosts: frozenset[str]
    ledger_url: str


@pytest.fixture(scope="session")
def populated(tmp_path_factory) -> Populated:
    base = tmp_path_factory.mktemp("sitio")
    state, catalog_dir = base / "estado", socrata_only_catalog(base / "catalogo")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATOS_CALI_STATE", str(state))
        env.setenv("DATOS_CALI_CATALOG", str(catalog_dir))
        env.setenv("DATOS_CALI_GX", "0")  # only the first run checks with Great Expectations
        with PortalSession(state) as session, open_ledger() as ledger:
            drop("planeacion", "IMAE_Cali.csv", IMAE_FILE.read_bytes())
            first = run_like_the_flow(IMAE, session, ledger)
            changed = IMAE_FILE.read_bytes().replace(b"2016;enero;100,63;", b"2016;enero;100,64;")
            drop("planeacion", "IMAE_Cali_v2.csv", changed)
            second = pipeline.run_dataset(IMAE, session, ledger)
            drop("contratacion-publica", CONTRATOS_FILE.name, CONTRATOS_FILE.read_bytes())
            contratos = pipeline.run_dataset(CONTRATOS, session, ledger)
            drop("planeacion", "IMAE_Cali_v3.csv", REJECTED_FILE)
            rejected = pipeline.run_dataset(IMAE, session, ledger)
            assert [first.outcome, second.outcome, contratos.outcome, rejected.outcome] == [
                "published",
                "published",
                "published",
                "rejected",
            ]
            hosts = frozenset(
                r.portal_url.split("/")[2] for r in ledger.runs() if r.portal_url is not None
            )
            site = build_site(
                state / "reports" / "site",
                ledger=ledger,
                catalog=load_catalog(catalog_dir),
                now=BUILT_AT,
                providers=(provider.pages,),
            )
            url = ledger.url
    return Populated(
        site=site,
        state=state,
        catalog=catalog_dir,
        first_sha=first.source_sha256,
        published_sha=second.source_sha256,
        rejected_sha=rejected.source_sha256,
        rejected_run=rejected.run_id,
        contratos_sha=contratos.source_sha256,
        portal_hosts=hosts,
        ledger_url=url,
    )
