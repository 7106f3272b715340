"""The office's usage figures: monthly rows per portal and asset, written as a submission that
its own contract accepts, into the transparencia inbox."""

from __future__ import annotations

import datetime as dt

from datos_cali.catalog import load_catalog
from datos_cali.contracts import load_contract
from datos_cali.precheck import precheck
from datos_cali.settings import paths
from datos_cali.sources.inbox import candidates, submit_rows
from datos_cali.usage import USAGE_DATASET, daily_usage, usage_figures
from tests.usage.conftest import reading

NOW = dt.datetime(2022, 2, 2, 4, 45, tzinfo=dt.UTC)


def _deltas():
    return daily_usage(
        [
            reading("2021-12-30", 5, 1, dataset="imae-a"),
            reading("2022-01-02", 9, 1, dataset="imae-a"),
            reading("2022-01-20", 2, 4, dataset="imae-a"),  # reset of views: 2 more
            reading("2022-01-02", 3, 0, asset="cccc-0003", dataset="imae-b", organismo="salud"),
        ]
    )


def test_usage_figures_are_monthly_rows_per_portal_and_asset(office):
    office.add_to("planeacion", "imae-a")
    rows = usage_figures(_deltas(), load_catalog(paths().catalog))
    assert [(r["id_registro"], r["visitas"], r["descargas"]) for r in rows] == [
        ("2021-12/datos.gov.co/abcd-1234", 5, 1),
        ("2022-01/datos.gov.co/abcd-1234", 6, 3),
        ("2022-01/datos.gov.co/cccc-0003", 3, 0),
    ]
    assert rows[0]["titulo_conjunto"] == "IMAE de prueba imae-a"
    assert rows[2]["titulo_conjunto"] == "imae-b"  # no longer in the catalog: its slug
    assert (rows[1]["anio"], rows[1]["mes"], rows[2]["organismo"]) == (2022, 1, "salud")


def test_the_figures_file_is_a_publishable_submission_in_the_office_inbox(office):
    office.add_to("planeacion", "imae-a")
    office.add_office_dataset(USAGE_DATASET)
    catalog = load_catalog(paths().catalog)
    rows = usage_figures(_deltas(), catalog)

    path = submit_rows(USAGE_DATASET, rows, catalog, paths(), NOW)

    folder = paths().inbox / "transparencia"
    assert path.parent == folder and candidates(folder, "uso-portales-*.csv") == [path]
    assert not list(folder.glob(".*"))  # no temporary file left behind
    dataset = catalog.datasets[USAGE_DATASET]
    contract = load_contract(dataset.schema_name, paths().schemas)
    result = precheck(path, dataset, contract, organismo=catalog.organismo_of(dataset))
    assert result.publishable, [e.message for e in result.errors]
    assert result.rows == 3
    later = submit_rows(USAGE_DATASET, rows, catalog, paths(), NOW + dt.timedelta(days=1))
    assert candidates(folder, "uso-portales-*.csv")[-1] == later  # the newest file wins


def test_without_the_office_dataset_in_the_catalog_nothing_is_written(office):
    catalog = load_catalog(paths().catalog)
    assert submit_rows(USAGE_DATASET, [{"anio": 2021}], catalog, paths(), NOW) is None
    assert not (paths().inbox / "transparencia").exists()
