"""The portal registry: a catalog target name selects an adapter, imported only when used."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from datos_cali.catalog.models import PortalName
from datos_cali.portals import registry
from datos_cali.portals.credentials import CkanCredentials, SocrataCredentials
from tests.pipeline.conftest import ROOT, mini  # noqa: F401  (the small-catalog fixture)

RUN_AND_REPORT = """
import sys
from datos_cali.ledger import open_ledger
from datos_cali.pipeline import run_dataset
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths
with PortalSession(paths().state) as session, open_ledger() as ledger:
    run = run_dataset({slug!r}, session, ledger)
print(run.outcome, "sodapy" in sys.modules, "ckanapi" in sys.modules)
"""


def _run_in_a_fresh_process(slug: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_REPORT.format(slug=slug)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_ckan_only_run_never_imports_sodapy(mini):  # noqa: F811
    ckan = mini.add(
        "imae-solo-ckan", {"kind": "inbox", "pattern": "IMAE*"}, targets=("datos.cali.gov.co",)
    )
    mini.drop_in_inbox()
    assert _run_in_a_fresh_process(ckan) == ["published", "False", "True"]
    socrata = mini.add("imae-solo-socrata", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    assert _run_in_a_fresh_process(socrata) == ["published", "True", "False"]


def test_the_city_portals_are_registered_with_their_credentials():
    assert registry.adapter(PortalName.DATOS_GOV_CO).credentials is SocrataCredentials
    assert registry.adapter(PortalName.DATOS_CALI).credentials is CkanCredentials
    assert registry.adapter("datos.gov.co").load().__name__ == "SocrataPortal"


def test_an_unknown_portal_is_a_spanish_error_listing_the_known_ones():
    with pytest.raises(registry.UnknownName) as refused:
        registry.adapter("datos.gob.co")
    assert str(refused.value) == (
        "El portal «datos.gob.co» no está registrado; disponibles: datos.cali.gov.co, datos.gov.co."
    )


def test_credentials_come_from_the_environment_first_then_the_secret_store(monkeypatch):
    for name in (
        "SOCRATA_KEY_ID",
        "SOCRATA_KEY_SECRET",
        "SOCRATA_USERNAME",
        "SOCRATA_PASSWORD",
        "CKAN_API_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    secrets = {"ckan-api-token": "token-del-almacen"}
    found = registry.configured_credentials(["datos.gov.co", "datos.cali.gov.co"], secrets.get)
    assert set(found) == {"datos.cali.gov.co"}
    assert found["datos.cali.gov.co"].api_token.get_secret_value() == "token-del-almacen"
    monkeypatch.setenv("CKAN_API_TOKEN", "token-del-entorno")
    found = registry.configured_credentials(["datos.cali.gov.co"], secrets.get)
    assert found["datos.cali.gov.co"].api_token.get_secret_value() == "token-del-entorno"
