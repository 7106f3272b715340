"""`datos-cali validate`: exit codes, the JSON contract, and Spanish messages for bad input."""

import json
import os
import subprocess
import sys

import pytest

from datos_cali.catalog import load_catalog
from datos_cali.settings import paths

KEYS = {"dataset", "file", "publishable", "rows", "columns", "errors", "warnings"}
FINDING_KEYS = {"kind", "code", "column", "header", "message", "count", "rows"}
DEMOS = sorted(
    (slug, dataset.demo) for slug, dataset in load_catalog(paths().catalog).datasets.items()
)


@pytest.mark.parametrize(("slug", "demo"), DEMOS, ids=[slug for slug, _ in DEMOS])
def test_every_demo_submission_is_publishable(cli, project_root, slug, demo):
    code, report = cli.json("validate", project_root / demo, "--dataset", slug)
    assert code == 0, report["errors"]
    assert report["publishable"] is True and report["errors"] == []
    assert report["rows"] > 0 and report["columns"]
    assert set(report) >= KEYS


def test_human_output_is_spanish_with_a_verdict(cli, project_root):
    result = cli(
        "validate",
        project_root / "demo/indice-mensual-actividad-economica/IMAE_Cali.csv",
        "-d",
        "indice-mensual-actividad-economica",
    )
    assert result.exit_code == 0
    assert "72 filas, 4 columnas" in result.stdout
    assert "Se puede publicar." in result.stdout


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("cp1252"))
    return path


IMAE_HEADER = "Año;Mes;Índice (2015=100);Variación anual (%)\r\n"


@pytest.mark.parametrize(
    ("name", "data", "kind", "code"),
    [
        ("vacio.csv", b"", "empty", "archivo_vacio"),
        ("encabezado.csv", IMAE_HEADER, "empty", "sin_filas"),
        ("foto.csv", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "format", "no_es_tabla"),
        ("informe.xlsx", b"%PDF-1.4\n" + b"x" * 100, "format", "no_es_tabla"),
        ("binario.csv", bytes(range(256)) * 40, "format", "no_es_tabla"),
        (
            "irregular.csv",
            IMAE_HEADER + "2016;enero;100,6;\r\n2016;febrero\r\n2016;marzo;1;2;3;4\r\n",
            "structure",
            "filas_irregulares",
        ),
        (
            "mezcla.csv",
            "Año;Mes;Índice (2015=100);Variación anual (%)\n2016;enero;100;\n".encode()
            + "2016;año;1;\n".encode("cp1252"),
            "encoding",
            "codificacion_mezclada",
        ),
        (
            "malo.csv",
            IMAE_HEADER + "2016;enero;cien;\r\n2016;febrero;100,2;\r\n",
            "schema",
            "no_es_numero",
        ),
    ],
)
def test_bad_files_are_blocked_with_kind_code_and_exit_1(cli, tmp_path, name, data, kind, code):
    exit_code, report = cli.json(
        "validate", write(tmp_path, name, data), "-d", "indice-mensual-actividad-economica"
    )
    assert exit_code == 1
    assert report["publishable"] is False
    assert (report["errors"][0]["kind"], report["errors"][0]["code"]) == (kind, code)
    assert all(set(e) == FINDING_KEYS for e in report["errors"] + report["warnings"])


def test_ragged_rows_report_their_file_rows(cli, tmp_path):
    data = IMAE_HEADER + "2016;enero;100,6;\r\n2016;febrero\r\n2016;marzo;100,1;\r\n2016;abril\r\n"
    _, report = cli.json(
        "validate", write(tmp_path, "r.csv", data), "-d", "indice-mensual-actividad-economica"
    )
    ragged = next(e for e in report["errors"] if e["code"] == "filas_irregulares")
    assert ragged["rows"] == [3, 5] and ragged["count"] == 2


def test_too_large_files_are_refused_with_a_message(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_MAX_FILE_BYTES", "64")
    exit_code, report = cli.json(
        "validate",
        write(tmp_path, "g.csv", IMAE_HEADER + "2016;enero;1;\r\n" * 20),
        "-d",
        "indice-mensual-actividad-economica",
    )
    assert exit_code == 1
    assert report["errors"][0]["code"] == "archivo_demasiado_grande"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["validate", "/no/existe.csv", "-d", "vacunacion-covid19"], "archivo_inexistente"),
        (["validate", "/tmp", "-d", "vacunacion-covid19"], "es_carpeta"),
    ],
)
def test_unreadable_paths_exit_2(cli, args, code):
    exit_code, report = cli.json(*args)
    assert exit_code == 2
    assert report["errors"][0]["code"] == code


def test_unknown_dataset_exits_2_with_a_spanish_message(cli, project_root):
    demo = project_root / "demo/indice-mensual-actividad-economica/IMAE_Cali.csv"
    result = cli("validate", demo, "-d", "no-existe")
    assert result.exit_code == 2
    assert "No existe un conjunto de datos con el identificador «no-existe»" in result.stderr
    exit_code, report = cli.json("validate", demo, "-d", "no-existe")
    assert (exit_code, report["errors"][0]["code"]) == (2, "conjunto_desconocido")


def test_json_mode_prints_exactly_one_object(project_root, tmp_path):
    """Run as a real process: stdout must be one JSON document and nothing else."""
    env = {**os.environ, "DATOS_CALI_STATE": str(tmp_path)}
    demo = project_root / "demo/vacunacion-covid19/vacunacion_covid19_cali.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "datos_cali",
            "validate",
            str(demo),
            "-d",
            "vacunacion-covid19",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == 30000
    assert "Traceback" not in done.stderr


def validate_in_a_fresh_process(path, slug) -> tuple[str | None, list[str]]:
    """Run `datos-cali validate PATH -d SLUG --json` in a new interpreter: (its exit code, the
    Prefect and Great Expectations modules it had loaded by the end)."""
    code = (
        "import sys\n"
        "from datos_cali.cli import main\n"
        f"sys.argv = ['datos-cali', 'validate', {str(path)!r}, '-d', {slug!r}, '--json']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    sys.stderr.write(f'EXIT={exit.code};')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('prefect', 'great_expectations'))\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "HEAVY=" in done.stderr, done.stderr
    exit_part, heavy = done.stderr.rsplit("HEAVY=", 1)
    exit_code = exit_part.rsplit("EXIT=", 1)[1].rstrip(";") if "EXIT=" in exit_part else None
    return exit_code, [m for m in heavy.strip().split(",") if m]


def test_the_precheck_path_never_imports_prefect_or_great_expectations(project_root):
    demo = project_root / "demo/resultados-saber-11/saber11_oficiales_2021.csv"
    _, heavy = validate_in_a_fresh_process(demo, "resultados-saber-11")
    assert heavy == []
