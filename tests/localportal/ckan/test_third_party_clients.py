"""Standard CKAN clients against the local portal, as harvesters and analysts run them:
`ckanapi dump datasets --all` (the ckanapi command line) and frictionless's CKAN catalog."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from datos_cali.catalog.models import PortalName
from tests.portals.conftest import Publisher, prepared

SLUGS = ("barreras-acceso-salud", "contratacion-parque-pacifico", "areas-cesion")


@pytest.fixture(scope="module")
def portal_with_datasets(tmp_path_factory):
    publisher = Publisher(tmp_path_factory.mktemp("clientes") / "run", PortalName.DATOS_CALI)
    for slug in SLUGS:
        publisher.publish(prepared(slug))
    yield publisher
    publisher.close()


def test_ckanapi_dump_datasets_all_lists_every_public_dataset(portal_with_datasets, tmp_path):
    out = tmp_path / "datasets.jsonl"
    bin_dir = str(Path(sys.executable).parent)  # ckanapi starts its workers as `ckanapi`
    ckanapi = shutil.which("ckanapi", path=bin_dir) or "ckanapi"
    done = subprocess.run(
        [ckanapi, "dump", "datasets", "--all", "-r", portal_with_datasets.site, "-O", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert done.returncode == 0, done.stderr
    dumped = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(d["name"] for d in dumped) == sorted(SLUGS)
    for dataset in dumped:
        assert dataset["resources"] and dataset["organization"]["name"]
        assert [t["name"] for t in dataset["tags"]] == sorted(t["name"] for t in dataset["tags"])


def test_frictionless_reads_the_catalog_and_one_organization(portal_with_datasets):
    from frictionless import Catalog
    from frictionless.portals import CkanControl

    site = portal_with_datasets.site
    everything = Catalog(site, control=CkanControl(baseurl=site))
    assert sorted(d.name for d in everything.datasets) == sorted(SLUGS)
    salud = Catalog(site, control=CkanControl(baseurl=site, organization_name="salud"))
    assert [d.name for d in salud.datasets] == ["barreras-acceso-salud"]
    [package] = [d.package for d in salud.datasets]
    assert package.title == prepared("barreras-acceso-salud").spec.name
    assert package.resources and package.resources[0].path.startswith(site)
