"""The compliance figures: one row per organismo and year, accepted by their own contract."""

from __future__ import annotations

from datos_cali.catalog import load_catalog
from datos_cali.compliance import COMPLIANCE_DATASET, compliance_figures, load_history
from datos_cali.contracts import load_contract
from datos_cali.ledger import open_ledger
from datos_cali.precheck import precheck
from datos_cali.settings import paths
from datos_cali.sources.inbox import submit_rows
from tests.compliance.conftest import utc

NOW = utc("2022-03-01T12:00")


def test_compliance_figures_are_one_row_per_organismo_and_year(planned):
    with open_ledger() as ledger:
        rows = compliance_figures(load_catalog(paths().catalog), load_history(ledger), NOW)
    assert [r["id_registro"] for r in rows] == [
        "2020/alfa",
        "2020/beta",
        "2021/alfa",
        "2021/beta",
        "2022/alfa",
        "2022/beta",
    ]
    alfa_2021 = rows[2]
    assert {k: alfa_2021[k] for k in list(alfa_2021)[4:]} == {
        "comprometidos": 3,
        "publicados": 2,
        "publicados_a_tiempo": 1,
        "porcentaje_publicados": 66.67,
        "porcentaje_a_tiempo": 33.33,
        "nuevos": 2,
        "actualizados": 0,
        "desactualizados": 1,
        "fecha_corte": alfa_2021["fecha_corte"],
    }
    assert str(alfa_2021["fecha_corte"]) == "2021-12-31"
    assert rows[5]["porcentaje_publicados"] is None and str(rows[5]["fecha_corte"]) == "2022-03-01"


def test_the_compliance_file_is_a_publishable_submission(planned):
    planned.add_office_dataset(COMPLIANCE_DATASET)
    catalog = load_catalog(paths().catalog)
    with open_ledger() as ledger:
        rows = compliance_figures(catalog, load_history(ledger), NOW)
    path = submit_rows(COMPLIANCE_DATASET, rows, catalog, paths(), NOW)
    assert path.parent == paths().inbox / "transparencia"
    assert path.name.startswith("cumplimiento-plan-")
    dataset = catalog.datasets[COMPLIANCE_DATASET]
    contract = load_contract(dataset.schema_name, paths().schemas)
    result = precheck(path, dataset, contract, organismo=catalog.organismo_of(dataset))
    assert result.publishable, [e.message for e in result.errors]
    assert result.rows == 9  # alfa, beta and transparencia (the dataset's own organismo)
