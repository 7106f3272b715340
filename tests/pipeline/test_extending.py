"""docs/extending.md, done for real: a portal adapter and a source kind from another installed
package (entry points), chosen by the catalog, run end to end against the local portal."""

from __future__ import annotations

import importlib
import textwrap

import pytest

from datos_cali.catalog import load_catalog
from datos_cali.catalog_check import check_catalog
from datos_cali.pipeline import run_dataset
from datos_cali.portals.registry import ADAPTERS
from datos_cali.settings import paths
from datos_cali.sources import KINDS, settings_of

TOY_PORTAL = "portal.juguete.gov.co"

PACKAGE = '''
"""A city extension: a third portal (it speaks CKAN) and a source that makes its own table."""

from pathlib import Path
from typing import Literal

from datos_cali.portals.ckan import CkanPortal
from datos_cali.portals.credentials import CkanCredentials
from datos_cali.portals.registry import AdapterEntry
from datos_cali.sources.base import Pulled, SourceKind, SourceSettings


class ToyPortal(CkanPortal):
    target = "portal.juguete.gov.co"


class ToyCredentials(CkanCredentials):
    @classmethod
    def from_env(cls):
        return None  # never configured: the run publishes to the local portal


PORTAL = AdapterEntry("juguete:ToyPortal", ToyCredentials, "juguete")


class GeneratedSettings(SourceSettings):
    kind: Literal["generado"]
    months: int


def pull_generated(settings, dataset, paths):
    lines = ["Año;Mes;Índice (2015=100);Variación anual (%)"]
    names = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre"]
    for i in range(settings.months):
        lines.append(f"{2016 + i // 12};{names[i % 12]};{100 + i},5;")
    target = Path(paths.state) / "generado.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\\r\\n".join(lines) + "\\r\\n", encoding="cp1252")
    return Pulled("generado", f"generado:{settings.months}", "generado.csv", target, 0.0)


SOURCE = SourceKind(GeneratedSettings, pull_generated)
'''

ENTRY_POINTS = f"""
[datos_cali.portals]
{TOY_PORTAL} = juguete:PORTAL

[datos_cali.sources]
generado = juguete:SOURCE
"""


@pytest.fixture
def extension(tmp_path, monkeypatch):
    """The package `juguete`, installed on sys.path with its entry points."""
    site = tmp_path / "site-packages"
    (site / "juguete").mkdir(parents=True)
    (site / "juguete" / "__init__.py").write_text(PACKAGE, encoding="utf-8")
    info = site / "juguete-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: juguete\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(ENTRY_POINTS))
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    yield
    monkeypatch.undo()
    assert TOY_PORTAL not in ADAPTERS  # gone with its package


def test_a_third_portal_and_a_new_source_kind_publish_end_to_end(extension, mini, session, ledger):
    assert TOY_PORTAL in ADAPTERS.names() and "generado" in KINDS.names()
    slug = mini.add(
        "imae-generado", {"kind": "generado", "months": 30}, targets=(TOY_PORTAL, "datos.gov.co")
    )
    dataset = load_catalog(paths().catalog).datasets[slug]
    assert type(settings_of(dataset)).__name__ == "GeneratedSettings"

    run = run_dataset(slug, session, ledger)

    assert run.outcome == "published" and run.rows == 30
    rows = {row.target: row for row in ledger.runs(dataset=slug)}
    assert rows[TOY_PORTAL].outcome == "published" and rows[TOY_PORTAL].created == 30
    assert rows[TOY_PORTAL].source_kind == "generado"
    toy = session.portal(TOY_PORTAL)
    assert type(toy).__name__ == "ToyPortal" and toy.key == "juguete@local"
    assert toy.count(rows[TOY_PORTAL].asset_id) == 30  # really on the (local) CKAN API
    assert run_dataset(slug, session, ledger).outcome == "unchanged"


def test_catalog_check_refuses_names_nobody_registered_and_misspelt_source_keys(mini):
    mini.add("imae-portal-raro", {"kind": "inbox", "pattern": "IMAE*"}, targets=("datos.gob.co",))
    mini.add("imae-origen-raro", {"kind": "ftp", "location": "ftp://x"})
    mini.add("imae-clave-mal", {"kind": "inbox", "patron": "IMAE*"})
    _, problems = check_catalog(paths().catalog, paths().schemas, paths().root)
    text = "\n".join(map(str, problems))
    assert "el portal «datos.gob.co» de «targets» no está registrado" in text
    assert "datos.cali.gov.co, datos.gov.co" in text
    assert "El tipo de origen «ftp» no está registrado" in text
    assert "clave desconocida «patron»" in text


def test_a_run_of_a_dataset_whose_portal_nobody_answers_fails_with_a_spanish_message(
    mini, session, ledger
):
    slug = mini.add("imae-sin-portal", {"kind": "inbox", "pattern": "IMAE*"}, targets=("x.gov.co",))
    mini.drop_in_inbox()
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "failed"
    assert run.message.startswith("El portal «x.gov.co» no está registrado")
