"""The office's status page as data, and `datos-cali estado`: every outcome kept apart."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest
from typer.testing import CliRunner

from datos_cali.catalog import load_catalog
from datos_cali.cli.app import app
from datos_cali.ledger import open_ledger
from datos_cali.ledger.ventanilla import Receipt, Upload, User
from datos_cali.settings import paths
from datos_cali.ventanilla.status import next_runs, office_status
from datos_cali.ventanilla.store import Store

NOW = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)  # 10:00 in Bogotá, a Wednesday
FINDING = {
    "kind": "schema",
    "code": "no_es_numero",
    "message": "2 filas con «Casos» que no es un número, p. ej. «dos» (fila 3).",
    "column": "casos",
    "count": 2,
    "rows": [3, 7],
    "severity": "block",
}
PREFECT_YAML = """
deployments:
- name: vacunacion-covid19
  schedules:
  - {cron: "30 6 * * 1", timezone: America/Bogota, active: true}
- name: barreras-acceso-salud
  schedules:
  - {cron: "0 6 5 * *", timezone: America/Bogota, active: false}
"""


def run(ledger, dataset: str, outcome: str, days_ago: float, target="none", **extra):
    at = NOW - dt.timedelta(days=days_ago)
    ledger.record(
        dict(
            dataset=dataset,
            organismo="salud",
            source_kind="inbox",
            target=target,
            outcome=outcome,
            started_at=at,
            finished_at=at + dt.timedelta(seconds=5),
            **extra,
        )
    )


@pytest.fixture
def ledger():
    with open_ledger() as handle:
        yield handle


def test_each_dataset_says_where_it_stands(ledger, tmp_path):
    sha = hashlib.sha256(b"x").hexdigest()
    # vacunación (weekly): published 10 days ago on both portals, then nothing new yesterday
    for target, url in (
        ("datos.gov.co", "http://127.0.0.1:41234/d/abcd-1234"),
        ("datos.cali.gov.co", "http://127.0.0.1:41234/dataset/vacunacion-covid19"),
    ):
        run(
            ledger, "vacunacion-covid19", "published", 10, target, portal_url=url, source_sha256=sha
        )
    run(
        ledger,
        "vacunacion-covid19",
        "no_new_file",
        1,
        error_message="No hay archivos nuevos de «vacunacion-covid19» en la bandeja de «salud».",
    )
    # intento de suicidio: same data again (unchanged on both portals)
    run(ledger, "intento-suicidio-casos", "unchanged", 2, "datos.gov.co", source_sha256=sha)
    # barreras: an unrecognised file, and before that a rejection
    run(ledger, "barreras-acceso-salud", "rejected", 3, findings=[FINDING], source_sha256=sha)
    run(
        ledger,
        "barreras-acceso-salud",
        "unrecognised",
        1,
        error_message="No hay archivos nuevos de «barreras-acceso-salud», pero en la bandeja de «salud» hay 1 archivo que no corresponde a ningún conjunto: «x.csv».",
    )
    yaml_file = tmp_path / "prefect.yaml"
    yaml_file.write_text(PREFECT_YAML, encoding="utf-8")

    statuses = {
        s.slug: s
        for s in office_status(
            ledger.engine,
            load_catalog(paths().catalog),
            now=NOW,
            prefect_yaml=yaml_file,
            local_portal_url="http://127.0.0.1:8765",
            organismos=frozenset({"salud"}),
        )
    }
    assert set(statuses) == {
        "vacunacion-covid19",
        "intento-suicidio-casos",
        "barreras-acceso-salud",
    }
    vacunas, suicidio, barreras = (
        statuses["vacunacion-covid19"],
        statuses["intento-suicidio-casos"],
        statuses["barreras-acceso-salud"],
    )
    assert (vacunas.last_outcome, vacunas.last_label) == ("no_new_file", "sin archivo nuevo")
    assert (suicidio.last_outcome, suicidio.last_label) == ("unchanged", "sin cambios")
    assert (barreras.last_outcome, barreras.last_label) == ("unrecognised", "archivo no reconocido")
    assert "«x.csv»" in barreras.cause
    assert [p.target for p in vacunas.publications] == ["datos.gov.co", "datos.cali.gov.co"]
    assert vacunas.publications[0].url == "http://127.0.0.1:8765/d/abcd-1234"  # the live portal
    assert vacunas.publications[0].at == NOW - dt.timedelta(days=10, seconds=-5)
    # weekly, last confirmed 10 days ago: 3 days late; monthly unchanged 2 days ago: current
    assert (vacunas.overdue, vacunas.days_late) == (True, 2)
    assert not suicidio.overdue and suicidio.last_success is not None
    assert barreras.last_success is None and not barreras.overdue  # never published
    # the next Monday 06:30 in Bogotá; an inactive schedule is no schedule
    assert vacunas.next_run == dt.datetime(2026, 12, 7, 11, 30, tzinfo=dt.UTC)
    assert barreras.next_run is None
    assert barreras.waiting_correction and not vacunas.waiting_correction


def test_a_file_sent_after_the_last_run_is_waiting_for_its_run(ledger):
    sha = hashlib.sha256(b"y").hexdigest()
    run(ledger, "vacunacion-covid19", "rejected", 3, findings=[FINDING], source_sha256=sha)
    store = Store(ledger.engine)
    user = store.add_user(email="ana@salud.gov.co", name="Ana", role="organismo", organismo="salud")
    upload = store.add_upload(
        user_id=user.id,
        organismo="salud",
        dataset="vacunacion-covid19",
        file_name="v.csv",
        sha256=sha,
        size=1,
        rows=1,
        columns=1,
        publishable=True,
        uploaded_at=NOW,
        seconds=0.1,
    )
    store.add_receipt(
        upload_id=upload.id,
        user_id=user.id,
        organismo="salud",
        dataset="vacunacion-covid19",
        sha256=sha,
        inbox_name="vacunacion_covid19_x.csv",
        sent_at=NOW - dt.timedelta(days=1),
    )
    [status] = [
        s
        for s in office_status(ledger.engine, load_catalog(paths().catalog), now=NOW)
        if s.slug == "vacunacion-covid19"
    ]
    assert status.waiting_run_since == NOW - dt.timedelta(days=1)
    assert not status.waiting_correction  # a corrected file has arrived
    assert "«Casos» que no es un número" in status.cause
    assert isinstance(user, User) and isinstance(upload, Upload)
    assert store.receipt(upload.id).__class__ is Receipt


def test_next_runs_come_from_the_deployments_file(project_root):
    found = next_runs(project_root / "prefect.yaml", NOW)
    assert set(found) >= {"vacunacion-covid19", "barrido-pendientes"}
    assert all(moment > NOW for moment in found.values())
    assert next_runs(project_root / "no-existe.yaml", NOW) == {}


def test_datos_cali_estado_prints_the_same_status(ledger):
    run(
        ledger, "vacunacion-covid19", "unrecognised", 1, error_message="hay archivos no reconocidos"
    )
    runner = CliRunner()
    result = runner.invoke(
        app, ["estado", "--json", "--organismo", "salud"], catch_exceptions=False
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)["datasets"]
    assert {d["slug"] for d in data} == {
        "vacunacion-covid19",
        "intento-suicidio-casos",
        "barreras-acceso-salud",
    }
    [vacunas] = [d for d in data if d["slug"] == "vacunacion-covid19"]
    assert (
        vacunas["last_outcome"] == "unrecognised"
        and vacunas["last_label"] == "archivo no reconocido"
    )
    table = runner.invoke(app, ["estado"], catch_exceptions=False)
    assert table.exit_code == 0 and "reconocido" in table.stdout
    assert "sin ejecuciones" in table.stdout
    unknown = runner.invoke(app, ["estado", "--organismo", "nadie"])
    assert unknown.exit_code == 2 and "no está en el catálogo" in unknown.stderr


def _cells(html: str, section: str) -> list[list[str]]:
    """The cells (inner HTML) of each row of the status table's `thead` or `tbody`."""
    [part] = re.findall(rf"<{section}>(.*?)</{section}>", html, re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", part, re.S)
    return [
        [cell for _, cell in re.findall(r"<(t[hd])[^>]*>(.*?)</\1>", row, re.S)] for row in rows
    ]


def _text(cell: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_the_status_page_keeps_dates_whole_and_says_no_cause_before_any_run(ventanilla):
    """Cells wrap between a date and its time, never after the date's hyphens; a dataset that
    never ran shows «Sin ejecuciones» once, not a cause repeating it."""
    ventanilla.user("jefa@cali.gov.co", role="oficina", organismo=None)
    page = ventanilla.client("jefa@cali.gov.co").get("/estado")
    assert page.status_code == 200
    [headers] = [[_text(c) for c in row] for row in _cells(page.text, "thead")]
    cause, upcoming = headers.index("Causa"), headers.index("Próxima ejecución")
    rows = _cells(page.text, "tbody")
    assert rows and all(_text(cells[cause]) == "—" for cells in rows)
    scheduled = [cells[upcoming] for cells in rows if "<time" in cells[upcoming]]
    assert scheduled
    for cell in scheduled:
        date, time = re.findall(r'<span class="sin-corte">([^<]*)</span>', cell)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", date) and re.fullmatch(r"\d\d:\d\d", time)
