"""`datos-cali validate` blocks personal data as `pii` and never shows the values themselves.

Each test writes a submission with planted personal data, runs the real command as a process
(JSON and human output), and searches everything it printed — and every file it left — for
each planted value, also without dots, spaces or accents.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from datos_cali.reading.headers import strip_accents
from tests.cli.test_validate import validate_in_a_fresh_process

NAMES = ["María Fernanda Gómez Restrepo", "Juan Carlos Pérez Ospina", "Luis Alberto Mosquera"]
CEDULAS = ["1.144.123.456", "31.234.567", "16.789.012"]
ADDRESSES = ["Calle 5 # 38-45", "Carrera 24C No. 12-33", "Avenida 6N # 23-45"]
PHONES = ["300 123 4567", "315-765-4321", "(602) 555 1234"]
MOBILES = ["3001234567", "3157654321", "3209876543"]


def run(*args: str, state: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATOS_CALI_STATE": str(state)}
    return subprocess.run(
        [sys.executable, "-m", "datos_cali", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def squeeze(text: str) -> str:
    """Letters and digits only, without accents, in lower case: «1.144.123.456» → 1144123456."""
    return re.sub(r"[^0-9a-z]", "", strip_accents(text).casefold())


def assert_nowhere(planted: list[str], outputs: list[str]) -> None:
    haystack = squeeze("\n".join(outputs))
    for value in planted:
        assert squeeze(value) not in haystack, f"a planted value leaked: {value!r}"


def files_written(*folders: Path, skip: Path) -> list[str]:
    texts = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path != skip:
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def validate_both_ways(path: Path, slug: str, tmp_path: Path):
    state = tmp_path / "state"
    as_json = run("validate", str(path), "-d", slug, "--json", state=state)
    human = run("validate", str(path), "-d", slug, state=state)
    return as_json, human, state


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def pii_errors(report: dict) -> dict[str, dict]:
    return {e["column"]: e for e in report["errors"] if e["kind"] == "pii"}


def pii_warnings(report: dict) -> dict[str, dict]:
    return {e["column"]: e for e in report["warnings"] if e["kind"] == "pii"}


def test_patient_columns_outside_the_contract_are_dropped_with_a_warning(tmp_path):
    """The columns never leave (the contract does not publish them): a warning, not a block,
    and still no value in any output."""
    header = ["año", "semana_epidemiologica", "comuna", "sexo", "curso_de_vida", "casos"]
    header += ["nombre_paciente", "documento", "direccion", "telefono"]
    rows = [
        ["2021", str(week), "Comuna 5", "Femenino", life, "1", name, cc, address, phone]
        for week, life, name, cc, address, phone in zip(
            (1, 2, 3),
            ("Adolescencia", "Juventud", "Adultez"),
            NAMES,
            CEDULAS,
            ADDRESSES,
            PHONES,
            strict=True,
        )
    ]
    path = write_csv(tmp_path / "intento_suicidio_casos.csv", header, rows)
    as_json, human, state = validate_both_ways(path, "intento-suicidio-casos", tmp_path)
    assert as_json.returncode == 0 and human.returncode == 0, as_json.stdout
    report = json.loads(as_json.stdout)
    assert pii_errors(report) == {}
    warned = pii_warnings(report)
    assert {"nombre_paciente", "documento", "direccion", "telefono"} <= set(warned)
    added = ("nombre_paciente", "documento", "direccion", "telefono")
    assert {warned[c]["code"] for c in added} == {"dato_personal_no_publicado"}
    assert warned["documento"]["count"] == 3 and warned["documento"]["rows"] == [2, 3, 4]
    assert "se descarta antes de publicar" in warned["telefono"]["message"]
    assert set(report["fields"].values()) == {
        "anio", "semana_epidemiologica", "comuna", "sexo", "curso_de_vida", "casos"
    }  # fmt: skip
    planted = NAMES + CEDULAS + ADDRESSES + PHONES
    outputs = [as_json.stdout, as_json.stderr, human.stdout, human.stderr]
    assert_nowhere(planted, outputs + files_written(state, tmp_path, skip=path))


def test_a_vaccination_file_with_an_added_cedula_column_warns_and_drops_it(tmp_path, project_root):
    demo = project_root / "demo/vacunacion-covid19/vacunacion_covid19_cali.csv"
    with demo.open(encoding="utf-8") as handle:
        lines = [next(handle).rstrip("\n") for _ in range(61)]
    cedulas = [f"{1_144_000_000 + 7919 * i}" for i in range(60)]
    cedulas[::2] = [f"{int(c):,}".replace(",", ".") for c in cedulas[::2]]  # half of them dotted
    path = tmp_path / "vacunacion_covid19.csv"
    body = [f"{line},{cedula}" for line, cedula in zip(lines[1:], cedulas, strict=True)]
    path.write_text("\n".join([lines[0] + ",cedula", *body]) + "\n", encoding="utf-8")
    as_json, human, state = validate_both_ways(path, "vacunacion-covid19", tmp_path)
    assert as_json.returncode == 0 and human.returncode == 0, as_json.stdout
    warned = pii_warnings(json.loads(as_json.stdout))
    assert warned["cedula"]["count"] == 60 and warned["cedula"]["rows"][:3] == [2, 3, 4]
    assert warned["cedula"]["code"] == "dato_personal_no_publicado"
    outputs = [as_json.stdout, as_json.stderr, human.stdout, human.stderr]
    assert_nowhere(cedulas, outputs + files_written(state, tmp_path, skip=path))


def test_cedulas_and_mobiles_inside_free_text_are_blocked(tmp_path, project_root):
    demo = project_root / "demo/riesgos-gestion-corrupcion/mapa_riesgos_2021.csv"
    with demo.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))[:8]
    controls = header.index("Controles")
    planted = [
        f"Revisión mensual; el responsable es el contratista C.C. {CEDULAS[0]}, celular {MOBILES[0]}",
        f"Llamar al {MOBILES[1]} para confirmar el acta",
        f"Verificación del documento {CEDULAS[1]} antes de firmar",
    ]
    for row, text in zip(rows[: len(planted)], planted, strict=True):
        row[controls] = text
    path = write_csv(tmp_path / "mapa_riesgos.csv", header, rows)
    as_json, human, state = validate_both_ways(path, "riesgos-gestion-corrupcion", tmp_path)
    assert as_json.returncode == 1 and human.returncode == 1, as_json.stderr
    (finding,) = pii_errors(json.loads(as_json.stdout)).values()
    assert finding["column"] == "controles" and finding["count"] == 3
    assert finding["rows"] == [2, 3, 4]  # rows as a spreadsheet shows them (one per record)
    outputs = [as_json.stdout, as_json.stderr, human.stdout, human.stderr]
    assert_nowhere(CEDULAS[:2] + MOBILES[:2], outputs + files_written(state, tmp_path, skip=path))


@pytest.mark.parametrize(
    "slug", ["contratacion-parque-pacifico", "contratacion-urgencia-manifiesta"]
)
def test_contracts_publish_with_the_legal_basis_of_their_personal_columns(cli, project_root, slug):
    demo = next((project_root / "demo" / slug).glob("*.csv"))
    code, report = cli.json("validate", demo, "--dataset", slug)
    assert code == 0, report["errors"]
    basis = {w["column"]: w for w in report["warnings"] if w["code"] == "dato_publico_por_ley"}
    assert set(basis) == {"nombre_contratista", "numero_documento"}
    assert "Ley 1712 de 2014" in basis["nombre_contratista"]["message"]
    assert "Decreto 1082 de 2015" in basis["numero_documento"]["message"]


def test_the_pre_check_reports_the_17_scores(cli, project_root):
    demo = project_root / "demo/indice-mensual-actividad-economica/IMAE_Cali.csv"
    code, report = cli.json("validate", demo, "-d", "indice-mensual-actividad-economica")
    assert code == 0
    assert len(report["scores"]) == 17 and next(iter(report["scores"])) == "completitud"
    assert all(isinstance(v, float) and 0 <= v <= 10 for v in report["scores"].values())
    human = cli("validate", demo, "-d", "indice-mensual-actividad-economica")
    assert "Calidad (criterios MinTIC" in human.stdout and "Completitud" in human.stdout


def test_the_blocked_path_imports_neither_prefect_nor_great_expectations(tmp_path):
    path = write_csv(
        tmp_path / "x.csv",
        ["Año", "Mes", "Índice (2015=100)", "Variación anual (%)"],
        [["2021", "enero C.C. 1.144.123.456", "100,5", ""]],
    )
    exit_code, heavy = validate_in_a_fresh_process(path, "indice-mensual-actividad-economica")
    assert exit_code == "1"
    assert heavy == []
