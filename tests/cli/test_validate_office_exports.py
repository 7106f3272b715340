"""`datos-cali validate` on a small Excel-to-CSV export the test writes, declared in YAML only:
repeated headers by position, Excel's accounting zero, «#N/D», the organismo's «.» for «no
data», int64 at its bound — and findings that name the header as written beside the field."""

from __future__ import annotations

import shutil
import textwrap

import pytest
import yaml

SLUG = "ejecucion-prueba"
HEADER = "Programa;Nombre;Programa;SECTOR; VALOR ;Consecutivo\n"
ROWS = [
    "BP1;Dotar la IEO Pedro Antonio Molina;5401002;45; 224.436.000 ;-9223372036854775807",
    "BP2;Adecuar la pista de patinaje Alfonso López;5401003;#N/D; -   ;2",
    "BP3;Vigilancia del Parque Ambiental;5401004;.; 3.000.000.000 ;3",
]
SCHEMA = """
schema_type: dataframe
api: pandas
columns:
  codigo_actividad: {title: Programa, dtype: "string[pyarrow]", str_matches: '^BP'}
  nombre: {title: Nombre, dtype: "string[pyarrow]"}
  programa: {title: Programa, dtype: "string[pyarrow]"}
  sector: {title: SECTOR, dtype: "string[pyarrow]", nullable: true}
  valor: {title: VALOR, dtype: "double[pyarrow]", greater_than_or_equal_to: 0}
  consecutivo: {title: Consecutivo, dtype: "int64[pyarrow]"}
"""


@pytest.fixture
def catalog(tmp_path, project_root, monkeypatch):
    shutil.copytree(project_root / "datasets", tmp_path / "datasets")
    shutil.copytree(project_root / "schemas", tmp_path / "schemas")
    (tmp_path / "schemas" / f"{SLUG}.yaml").write_text(textwrap.dedent(SCHEMA), "utf-8")
    template = tmp_path / "datasets" / "hacienda" / "ejecucion-presupuestal-inversion.yaml"
    entry = yaml.safe_load(template.read_text("utf-8"))
    entry.update(
        slug=SLUG,
        schema=SLUG,
        row_identifier=None,
        demo=None,
        reading={"null_markers": ["."]},
        quality={},
        columns={
            "codigo_actividad": {"description": "Código de la actividad.", "position": 1},
            "nombre": {"description": "Nombre de la actividad."},
            "programa": {"description": "Código del programa.", "position": 3},
            "sector": {"description": "Código del sector."},
            "valor": {"description": "Valor en pesos.", "portal_type": "money"},
            "consecutivo": {"description": "Consecutivo de la línea."},
        },
    )
    path = tmp_path / "datasets" / "hacienda" / f"{SLUG}.yaml"
    path.write_text(yaml.safe_dump(entry, allow_unicode=True), "utf-8")
    monkeypatch.setenv("DATOS_CALI_CATALOG", str(tmp_path / "datasets"))
    monkeypatch.setenv("DATOS_CALI_SCHEMAS", str(tmp_path / "schemas"))
    return path


def export(tmp_path) -> str:
    path = tmp_path / "EJECUCION.csv"
    path.write_bytes(("\ufeff" + HEADER + "\n".join(ROWS) + "\n").encode("utf-8"))
    return str(path)


def test_excel_errors_block_by_default_naming_column_and_header(cli, catalog, tmp_path):
    code, report = cli.json("validate", export(tmp_path), "-d", SLUG)
    assert code == 1
    (error,) = report["errors"]
    assert (error["code"], error["column"], error["header"], error["rows"]) == (
        "valor_de_error_excel",
        "sector",
        "SECTOR",
        [3],
    )
    assert not [w for w in report["warnings"] if w["kind"] == "pii"]


def test_lowered_in_the_catalog_the_export_publishes(cli, catalog, tmp_path):
    entry = yaml.safe_load(catalog.read_text("utf-8"))
    entry["quality"] = {"valor_de_error_excel": "warn"}
    catalog.write_text(yaml.safe_dump(entry, allow_unicode=True), "utf-8")
    code, report = cli.json("validate", export(tmp_path), "-d", SLUG)
    assert code == 0, report["errors"]
    assert report["fields"] == {
        "Programa (columna 1)": "codigo_actividad",
        "Nombre": "nombre",
        "Programa (columna 3)": "programa",
        "SECTOR": "sector",
        "VALOR": "valor",
        "Consecutivo": "consecutivo",
    }
    warned = {w["code"] for w in report["warnings"]}
    assert {"valor_de_error_excel", "encabezado_repetido"} <= warned
    assert "inyeccion_formula" not in warned  # « -   » is a zero, not a formula
    human = cli("validate", export(tmp_path), "-d", SLUG)
    assert "sector («SECTOR»)" in " ".join(human.stdout.split())
