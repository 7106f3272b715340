"""The untouched real exports in tests/real/exports validate with YAML alone (no edited file).

- `ejecucion-presupuestal-cali/`: the treasury's budget execution, in the city's catalog as
  `ejecucion-presupuestal-inversion` — repeated headers told apart by `position:`, Excel's
  accounting zero, «#N/D» and «#¡VALOR!», billions of pesos, activities named after places named
  after people. It publishes with no personal-data finding and no `public_by_law` declaration.
- `fallecidos-siniestros-viales/`: national road-traffic deaths, with a catalog entry and schema
  written the way a newcomer would (tests/real/), `isin: [SI, NO]` unquoted. It validates as it
  did before this change, less the false «formula» warnings on lone dashes.

The files are byte-for-byte copies of the workplace's `shared/real/` (public data; sources in
tests/real/exports/README.md), kept in the repository so these tests run everywhere, CI included.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from datos_cali.catalog import load_catalog
from datos_cali.catalog.models import Dataset
from datos_cali.catalog.yamlfile import read_yaml
from datos_cali.contracts import load_contract
from datos_cali.precheck import precheck
from datos_cali.settings import paths

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUDGET = "ejecucion-presupuestal-cali/EJECUCION_ENERO_2024.csv"
DEATHS = "fallecidos-siniestros-viales/fallecidos_siniestros_viales.csv"
NOW = dt.datetime(2026, 4, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def real() -> Path:
    return HERE / "exports"


@pytest.fixture(scope="module")
def budget(real):
    catalog = load_catalog(paths().catalog)
    dataset = catalog.datasets["ejecucion-presupuestal-inversion"]
    contract = load_contract(dataset.schema_name, paths().schemas)
    return dataset, precheck(real / BUDGET, dataset, contract, now=NOW)


def test_the_budget_export_publishes_with_yaml_alone(budget):
    dataset, result = budget
    assert result.publishable, [f.message for f in result.errors]
    assert result.rows == 4368 and len(result.columns) == 45
    assert dataset.privacy.public_by_law == [] and dataset.privacy.public_places == []
    assert [f for f in result.findings if f.kind == "pii"] == []
    assert result.scores["confidencialidad"] == 10.0


def test_repeated_headers_are_resolved_by_position(budget):
    _, result = budget
    headers = result.typed.headers
    assert [headers[f] for f in ("codigo_actividad", "programa_sectorial", "programa")] == [
        "Programa",
        "PROGRAMA",
        "Programa",
    ]
    frame = result.typed.frame
    assert frame["codigo_actividad"].str.startswith("BP").all()
    assert frame["pospre"].iloc[0] == "2-320202008"
    assert frame["nombre_pospre"].iloc[0].startswith("Servicios prestados a las empresas")
    repeated = [f for f in result.findings if f.code == "encabezado_repetido"]
    assert {f.column for f in repeated} == {"Programa", "Pospre 1"}
    assert all(f.severity == "info" for f in repeated)


def test_accounting_zeros_and_billions_are_money(budget):
    _, result = budget
    frame = result.typed.frame
    assert (frame["reducciones"] == 0).all()  # every cell is Excel's « -   »
    assert frame["ppto_inicial"].iloc[0] == 224_436_000
    assert frame["ppto_modificado"].max() >= 1_000_000_000  # billions: not phone numbers
    assert not [f for f in result.findings if f.code == "inyeccion_formula"]


def test_excel_error_values_are_named_per_column_and_read_as_empty(budget):
    _, result = budget
    errors = {f.column: f for f in result.findings if f.code == "valor_de_error_excel"}
    assert set(errors) == {
        "sector", "programa_sectorial", "producto", "producto_1", "validador_cuipo"
    }  # fmt: skip
    assert errors["producto_1"].count == 921  # 918 «#N/D» and 3 «#¡VALOR!»
    assert all(f.severity == "warn" for f in errors.values())  # the catalog lowers it
    assert errors["sector"].header == "SECTOR"
    assert int(result.typed.frame["sector"].isna().sum()) == 921


def load_deaths():
    dataset = Dataset.model_validate(read_yaml(HERE / "fallecidos-siniestros-viales.yaml").data)
    return dataset, load_contract("fallecidos-siniestros-viales", HERE / "schemas")


def test_the_road_deaths_export_validates_as_before(real):
    dataset, contract = load_deaths()
    assert contract.schema.columns["es_capital"].checks[0].statistics["allowed_values"] == [
        "SI",
        "NO",
    ]  # YAML 1.1 would have read NO as false
    result = precheck(real / DEATHS, dataset, contract, now=NOW)
    assert result.publishable and result.rows == 11397
    # Before: the same, plus two false «formula» warnings on lone «-» cells (now not formulas).
    assert {f.code for f in result.findings} == {
        "publicado_sin_identificar",
        "criterio_confidencialidad",
    }
    assert result.scores["completitud"] == 8.5
