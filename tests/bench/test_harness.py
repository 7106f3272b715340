"""The benchmark harness end to end on tiny sizes, so it cannot rot (no timing is asserted)."""

from __future__ import annotations

import json

import pytest
import yaml

from bench import cli, report
from bench.common import ROOT, Figure, Result

FIGURE_KEYS = {"name", "value", "unit", "target", "met", "baseline", "detail"}


def _run(tmp_path, only: str) -> dict:
    markdown = tmp_path / "BENCHMARKS.md"
    markdown.write_text("# Rendimiento\n\nTexto que se conserva.\n", encoding="utf-8")
    code = cli.main(
        ["--quick", "--only", only, "--out", str(tmp_path), "--markdown", str(markdown)]
    )
    assert code == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("# Rendimiento\n\nTexto que se conserva.")
    assert text.count(report.START) == 1 and text.count(report.END) == 1
    return results


def test_quick_run_of_b1_b2_b3_b5_writes_results_and_the_table(tmp_path, capsys):
    results = _run(tmp_path, "B1,B2,B3,B5")
    assert results["quick"] is True and results["machine"]["cores"] >= 1
    by_id = {r["id"]: r for r in results["results"]}
    assert list(by_id) == ["B1", "B2", "B3", "B5"]
    for result in by_id.values():
        for figure in result["figures"]:
            assert set(figure) == FIGURE_KEYS and figure["value"] >= 0 and figure["baseline"]
    b1 = by_id["B1"]["figures"]
    assert b1[0]["detail"]["etapas"].keys() == {
        "estado_anterior",
        "lectura",
        "analisis",
        "diferencias",
    }
    assert "300 filas cambiadas" in by_id["B1"]["notes"][0]  # 1 % of 30,000 rows
    assert by_id["B2"]["figures"][0]["detail"]["valido_base"] is True
    b3 = by_id["B3"]["figures"][0]
    assert b3["detail"]["filas_enviadas"] == 50 and b3["met"] is True
    assert by_id["B5"]["figures"][0]["detail"]["importaciones_s"] > 0
    assert "B3 — " in capsys.readouterr().out


def test_quick_sweep_through_the_flows(tmp_path):
    results = _run(tmp_path, "B4")
    [b4] = results["results"]
    detail = b4["figures"][0]["detail"]
    assert detail["resultados"] == {"published": 3} == detail["resultados_base"]
    assert detail["arranque_servidor_prefect_s"] > 0


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.postgres
def test_quick_real_server_deploy_schedule_and_worker(tmp_path):
    """B6 on one repetition: PostgreSQL, `prefect server start`, deploy, a worker (minutes)."""
    results = _run(tmp_path, "B6")
    [b6] = results["results"]
    deploy, latency, overhead = b6["figures"]
    deployments = len(
        yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    )
    assert (
        deploy["detail"]["deployment_ls_s"] > 0 and f"({deployments} despliegues)" in deploy["name"]
    )
    assert latency["detail"]["estados"] == ["COMPLETED"]
    assert overhead["detail"]["resultados_base"] == ["published"]
    assert overhead["detail"]["etapas_mediana_s"]["running_to_completed"] > 0


@pytest.mark.slow
@pytest.mark.ckan
@pytest.mark.postgres
def test_quick_b11_publishes_to_a_real_ckan_beside_the_bare_client(tmp_path):
    """B11 on 3,000 rows: CKAN 2.12 from its cached virtualenv, the adapter and ckanapi alone."""
    results = _run(tmp_path, "B11")
    [b11] = results["results"]
    [figure] = b11["figures"]
    assert figure["value"] > 0 and figure["detail"]["filas_por_segundo_base"] > 0
    assert "quedaron con 3 000 y 3 000 filas" in b11["notes"][0]  # both tables complete
    assert figure["detail"]["solicitudes_base"] == 3  # package, table, one 10,000-row chunk


def test_the_markdown_table_is_replaced_not_appended(tmp_path):
    path = tmp_path / "B.md"
    result = Result("B9", "prueba", [Figure("cifra", 1.5, "×", "≤ 3,0", True, "base: 1 s")])
    box = {"cpu": "cpu", "cores": 2, "memory_gib": 1, "python": "3", "pyarrow": "1", "pandas": "1"}
    for _ in range(2):
        report.rewrite_markdown(path, report.table([result], box, "hoy", quick=True))
    text = path.read_text(encoding="utf-8")
    assert text.count(report.START) == 1 and "| B9 | cifra | **1,50×** |" in text


@pytest.mark.slow  # about 90 s: three real servers, clerks created through the CLI
def test_quick_run_of_the_ventanilla_benchmarks(tmp_path):
    """B8–B10 start a real ventanilla, sign clerks in and upload over HTTP (tiny sizes)."""
    results = _run(tmp_path, "B8,B9,B10")
    by_id = {r["id"]: r for r in results["results"]}
    assert list(by_id) == ["B8", "B9", "B10"]
    assert by_id["B8"]["figures"][0]["detail"]["segundos_servidor"] > 0
    assert by_id["B9"]["figures"][0]["detail"]["servidor_en_reposo_mb"] > 0
    assert len(by_id["B10"]["figures"][1]["detail"]["latencias"]) == 3


def test_the_bench_command_speaks_spanish(capsys):
    with pytest.raises(SystemExit) as shown:
        cli.main(["--help"])
    assert shown.value.code == 0
    said = capsys.readouterr().out
    assert said.startswith("uso: python -m bench") and "opciones:" in said
    assert "muestra esta ayuda y termina" in said
    for english in ("usage:", "options:", "show this help", "ONLY", "REPEATS"):
        assert english not in said
    with pytest.raises(SystemExit) as refused:
        cli.main(["--repeats", "x"])
    assert refused.value.code == 2
    assert "error: argumento --repeats: no es un número entero: 'x'" in capsys.readouterr().err
