"""Small, real inputs for quality tests: a RawTable, a contract written to disk, a catalog entry.

Everything goes through the real code (pandera YAML → `load_contract`, pydantic `Dataset`,
`prepare`): a test states its cells, kinds and rules and gets the context a criterion sees.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import yaml

from datos_cali.catalog.models import Dataset, Organismo
from datos_cali.contracts import load_contract
from datos_cali.quality import Prepared, prepare
from datos_cali.reading.table import RawTable

NOW = dt.datetime(2024, 6, 30, 12, 0, tzinfo=dt.UTC)
DTYPES = {
    "text": "string[pyarrow]",
    "integer": "int64[pyarrow]",
    "number": "double[pyarrow]",
    "boolean": "bool[pyarrow]",
    "date": "date32[day][pyarrow]",
}
ORGANISMO = Organismo(slug="planeacion", name="Planeación", email="planeacion@cali.gov.co")


def raw_table(columns: dict[str, list], source_format: str = "csv") -> RawTable:
    """Cells as text (None = empty), header = row 1, records from row 2."""
    rows = len(next(iter(columns.values()))) if columns else 0
    return RawTable(
        headers=list(columns),
        columns=[pa.chunked_array([pa.array(v, pa.string())]) for v in columns.values()],
        row_numbers=np.arange(2, rows + 2),
        source_format=source_format,
        decimal_hint=".",
    )


def base_dataset(names: list[str], **overrides) -> dict:
    entry = {
        "slug": "prueba",
        "title": "Conjunto de prueba de calidad",
        "description": (
            "Conjunto sintético que usan las pruebas del motor de calidad de la Alcaldía para "
            "medir cada criterio de MinTIC sobre tablas pequeñas cuyos resultados se conocen de "
            "antemano, calculados a mano."
        ),
        "organismo": "planeacion",
        "source": {"kind": "inbox"},
        "schema": "prueba",
        "row_identifier": None,
        "frequency": "mensual",
        "targets": [{"portal": "datos.gov.co"}],
        "metadata": {
            "category": "Planeación",
            "tags": ["pruebas", "calidad", "datos abiertos"],
            "entity": {"sector": "Planeación", "area": "Subdirección de pruebas"},
            "data": {
                "fecha_emision": "2024-06-15",
                "url_documentacion": "https://www.cali.gov.co/planeacion/",
                "url_normativa": "https://www.funcionpublica.gov.co/norma",
            },
        },
        "columns": {name: {"description": f"Valor de {name} en cada registro"} for name in names},
    }
    return _merge(entry, overrides)


def _merge(base: dict, overrides: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "columns":
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def write_contract(folder: Path, kinds: dict[str, str], rules=None, schema=None):
    """schemas/prueba.yaml with one column per kind; `rules` adds pandera keys per column."""
    rules = rules or {}
    columns = {}
    for name, kind in kinds.items():
        spec = {"title": name, "dtype": DTYPES[kind]}
        spec.update(rules.get(name, {}))
        columns[name] = spec
    document = {"schema_type": "dataframe", "api": "pandas", "columns": columns, **(schema or {})}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "prueba.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    return load_contract("prueba", folder)


def build(
    tmp_path: Path,
    columns: dict[str, list],
    *,
    kinds: dict[str, str] | None = None,
    rules: dict | None = None,
    schema: dict | None = None,
    extra: dict[str, list] | None = None,
    dataset: dict | None = None,
    now: dt.datetime = NOW,
    last_updated: dt.datetime | None = None,
    source_format: str = "csv",
    organismo: Organismo | None = ORGANISMO,
) -> Prepared:
    """`columns` are the contract's (text unless `kinds` says otherwise); `extra` are not."""
    kinds = {name: (kinds or {}).get(name, "text") for name in columns}
    contract = write_contract(tmp_path / "schemas", kinds, rules, schema)
    entry = Dataset.model_validate(base_dataset(list(columns), **(dataset or {})))
    raw = raw_table({**columns, **(extra or {})}, source_format)
    return prepare(raw, entry, contract, now=now, last_updated=last_updated, organismo=organismo)


def context(tmp_path: Path, columns: dict[str, list], **options):
    return build(tmp_path, columns, **options).context
