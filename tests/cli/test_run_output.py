"""`datos-cali run` says what happened: one row per dataset and portal, the organismo, why a
file was rejected, links that work, and nothing from the libraries over the progress bar."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from datos_cali.cli import run as run_cli
from datos_cali.cli.local_links import LocalLinks
from datos_cali.localportal import LocalPortal
from datos_cali.outcomes import Outcome
from datos_cali.pipeline.steps import DatasetRun, TargetReport

ROOT = Path(__file__).resolve().parents[2]
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    """One real `datos-cali run` of two datasets (a CSV that publishes to both portals, with a
    pattern that makes Great Expectations warn, and a PDF sent as a CSV), as a person runs it."""
    state = tmp_path_factory.mktemp("estado")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATOS_CALI_", "PREFECT_"))},
        "DATOS_CALI_STATE": str(state),
        "DATOS_CALI_NO_SECRET_BLOCKS": "1",
    }
    (state / "inbox" / "uaesp").mkdir(parents=True)
    (state / "inbox" / "salud").mkdir(parents=True)
    shutil.copy(
        ROOT / "demo" / "aprovechamiento-residuos-solidos" / "aprovechamiento_residuos_2021.csv",
        state / "inbox" / "uaesp",
    )
    (state / "inbox" / "salud" / "vacunacion_covid19_junio.csv").write_bytes(MINIMAL_PDF)
    for name in ("uaesp/aprovechamiento_residuos_2021.csv", "salud/vacunacion_covid19_junio.csv"):
        (state / "inbox" / f"{name}.listo").write_bytes(b"")  # «copy finished», as documented
    command = [
        str(Path(sys.executable).parent / "datos-cali"),
        "run",
        "aprovechamiento-residuos-solidos",
        "vacunacion-covid19",
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    return result, state


@pytest.mark.prefect
def test_no_library_warning_reaches_the_terminal(real_run):
    result, state = real_run
    assert "Warning" not in result.stderr and "site-packages" not in result.stderr, result.stderr
    assert "Warning" not in result.stdout and "site-packages" not in result.stdout
    [log] = (state / "logs").glob("ejecucion-*.log")
    assert "UserWarning" in log.read_text(encoding="utf-8")
    assert "Avisos técnicos de las bibliotecas:" in result.stdout and log.name in result.stdout


@pytest.mark.prefect
def test_one_row_per_dataset_and_portal_with_the_organismo(real_run):
    result, _ = real_run
    lines = [line for line in result.stdout.splitlines() if "aprovechamiento-residuos" in line]
    table_rows = [line for line in lines if "│" in line]
    assert len(table_rows) == 2, result.stdout  # datos.gov.co and datos.cali.gov.co
    # Without credentials (local mode) both are the embedded portal, and the row says so.
    portals = ("datos.gov.co (portal local)", "datos.cali.gov.co (portal local)")
    for row, portal in zip(table_rows, portals, strict=True):
        cells = [cell.strip() for cell in row.split("│")[1:-1]]
        assert cells[1:6] == ["uaesp", portal, "publicado", "1.320", "1.320"], cells


@pytest.mark.prefect
def test_a_rejection_says_why_in_a_few_words(real_run):
    result, _ = real_run
    assert result.returncode == 1
    row = next(line for line in result.stdout.splitlines() if "│ vacunacion-covid19" in line)
    assert "salud" in row and "rechazado" in row and "no es una tabla (PDF)" in row


@pytest.mark.prefect
def test_portal_links_work_or_the_run_says_the_local_portal_is_not_running(real_run):
    result, _ = real_run
    stopped = "El portal local de esta ejecución ya se detuvo" in result.stdout
    assert stopped or "http://127.0.0.1:8765/" in result.stdout
    dead = [
        line
        for line in result.stdout.splitlines()
        if "http://127.0.0.1:" in line and "http://127.0.0.1:8765" not in line
    ]
    assert not dead, dead


def test_nothing_due_is_said_in_one_line(capsys):
    run_cli._print_summary([], due=True)
    assert capsys.readouterr().out.strip() == run_cli.NOTHING_DUE


def test_rows_are_never_added_up_across_portals(capsys):
    run = DatasetRun(
        "vacunacion-covid19",
        "r1",
        Outcome.PUBLISHED,
        rows=1320,
        organismo="salud",
        targets=[
            TargetReport("datos.gov.co", Outcome.PUBLISHED, created=1320),
            TargetReport("datos.cali.gov.co", Outcome.UNCHANGED),
        ],
    )
    run_cli._print_summary([run])
    out = capsys.readouterr().out
    assert "2.640" not in out and out.count("1.320") == 3  # rows twice, created once


def test_a_mistyped_dataset_gets_a_suggestion():
    message = run_cli.unknown_slugs(["vacunacion"], {"vacunacion-covid19": 1, "areas-cesion": 2})
    assert message == ("No existe en el catálogo: «vacunacion». ¿Quiso decir «vacunacion-covid19»?")


def test_links_to_the_embedded_portal_move_to_the_persistent_one(tmp_path):
    embedded = "http://127.0.0.1:45123/dataset/areas-cesion"
    with LocalPortal(tmp_path / "portal").start() as persistent:
        port = int(persistent.url.rsplit(":", 1)[1].strip("/"))
        links = LocalLinks.find(port)
        assert links.running
        assert links.url(embedded) == f"http://127.0.0.1:{port}/dataset/areas-cesion"
        assert not links.stopped
    gone = LocalLinks.find(port)
    assert not gone.running
    assert gone.url(embedded) is None and gone.stopped
    assert (
        gone.url("https://www.datos.gov.co/d/abcd-1234") == "https://www.datos.gov.co/d/abcd-1234"
    )


@pytest.mark.prefect
def test_production_without_credentials_stops_in_spanish_and_writes_nothing(tmp_path):
    """`DATOS_CALI_MODE=produccion` and no credentials: a Spanish error, exit 2, no traceback,
    no ledger row, no local portal, the submission still in its inbox."""
    state = tmp_path / "estado"
    (state / "inbox" / "uaesp").mkdir(parents=True)
    sent = state / "inbox" / "uaesp" / "aprovechamiento_residuos_2021.csv"
    shutil.copy(
        ROOT / "demo" / "aprovechamiento-residuos-solidos" / "aprovechamiento_residuos_2021.csv",
        sent,
    )
    private = ("DATOS_CALI_", "PREFECT_", "SOCRATA_", "CKAN_")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(private)},
        "DATOS_CALI_STATE": str(state),
        "DATOS_CALI_NO_SECRET_BLOCKS": "1",
        "DATOS_CALI_MODE": "produccion",
        "DATOS_CALI_DB_URL": f"sqlite:///{tmp_path / 'registro.db'}",
        "COLUMNS": "250",
    }
    command = [
        str(Path(sys.executable).parent / "datos-cali"),
        "run",
        "aprovechamiento-residuos-solidos",
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert result.returncode == 2, result.stdout + result.stderr
    said = " ".join((result.stdout + result.stderr).split())
    assert "No se puede publicar en modo producción" in said
    assert "faltan las credenciales de datos.gov.co" in said
    assert "No se escribió nada en ningún portal." in said
    assert "Traceback" not in said
    assert sent.exists() and not (state / "portal").exists()
    from datos_cali.ledger import open_ledger

    with open_ledger(f"sqlite:///{tmp_path / 'registro.db'}") as ledger:
        assert ledger.count() == 0


def test_a_misspelt_mode_is_said_before_prefect_starts(tmp_path):
    """`DATOS_CALI_MODE=prod`: the Spanish error at once, exit 2 — no temporary Prefect server
    started for a run that cannot happen, no progress bar."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DATOS_CALI_")},
        "DATOS_CALI_STATE": str(tmp_path / "estado"),
        "DATOS_CALI_MODE": "prod",
    }
    command = [str(Path(sys.executable).parent / "datos-cali"), "run", "vacunacion-covid19"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 2, said
    assert "DATOS_CALI_MODE debe ser «local» o «produccion», no «prod»." in said
    assert "Iniciando Prefect" not in said and "Conjuntos publicados" not in said
    assert "Traceback" not in said
