"""`datos-cali portal serve`: a real process, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import requests
from typer.testing import CliRunner

from datos_cali.cli.app import app

SERVE = [sys.executable, "-c", "from datos_cali.cli import main; main()", "portal", "serve"]


def _start(*args: str) -> tuple[subprocess.Popen, dict[str, str]]:
    process = subprocess.Popen(
        [*SERVE, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    printed: dict[str, str] = {}
    assert process.stdout is not None
    for line in process.stdout:
        if found := re.match(r"Portal local escuchando en (\S+)", line):
            printed["url"] = found.group(1)
        elif found := re.match(r"Id\. de la clave de API \(usuario\): (\S+)", line):
            printed["key_id"] = found.group(1)
        elif found := re.match(r"Secreto de la clave de API \(contraseña\): (\S+)", line):
            printed["key_secret"] = found.group(1)
        elif found := re.match(r"Token de aplicación \(X-App-Token\): (\S+)", line):
            printed["app_token"] = found.group(1)
        elif found := re.match(r"Fallas simuladas activas: (\S+)", line):
            printed["faults"] = found.group(1)
        elif found := re.match(r"Cuerpo máximo por solicitud: (\S+) MB", line):
            printed["max_body_mb"] = found.group(1)
        elif line.startswith("Pulse Ctrl-C"):
            return process, printed
    raise AssertionError(process.stderr.read() if process.stderr else "no output")


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    rest, _errors = process.communicate(timeout=10)
    assert process.returncode == 0
    return rest


def test_serve_prints_what_to_use_and_stops_on_ctrl_c(tmp_path):
    process, printed = _start("--data", str(tmp_path / "datos"))
    try:
        health = requests.get(f"{printed['url']}/_portal/health", timeout=5)
        assert health.json()["status"] == "ok"
        created = requests.post(
            f"{printed['url']}/api/views.json",
            json={"name": "Desde la consola"},
            auth=(printed["key_id"], printed["key_secret"]),
            headers={"X-App-Token": printed["app_token"]},
            timeout=5,
        )
        assert created.status_code == 200
    finally:
        rest = _stop(process)
    assert "Portal local detenido." in rest
    assert (tmp_path / "datos" / "portal.sqlite").exists()


def test_serve_defaults_to_the_state_folder_and_shows_faults(isolated_state: Path):
    process, printed = _start("--faults", "seed=2,rate_429=0.5")
    _stop(process)
    assert printed["faults"] == "seed=2,rate_429=0.5"
    assert (isolated_state / "portal" / "portal.sqlite").exists()


def test_invalid_faults_are_refused_in_spanish():
    result = CliRunner().invoke(app, ["portal", "serve", "--faults", "rate_429=7"])
    assert result.exit_code == 2
    assert "La opción --faults no es válida" in result.output


def test_a_busy_port_is_refused_in_spanish(portal):
    result = CliRunner().invoke(app, ["portal", "serve", "--port", str(portal.port)])
    assert result.exit_code == 2
    assert f"No se pudo abrir el puerto {portal.port}" in result.output


def test_help_is_in_spanish():
    result = CliRunner().invoke(app, ["portal", "serve", "--help"])
    assert result.exit_code == 0 and "Inicia el portal local" in result.output


def test_the_body_limit_is_set_on_the_command_line(tmp_path):
    process, printed = _start("--data", str(tmp_path / "datos"), "--max-body-mb", "0.5")
    try:
        assert printed["max_body_mb"] == "0.5"
        too_big = requests.post(
            f"{printed['url']}/api/views.json",
            data=b"x" * (600 * 1024),
            auth=(printed["key_id"], printed["key_secret"]),
            timeout=5,
        )
        assert too_big.status_code == 413
    finally:
        _stop(process)


def test_a_bad_body_limit_is_refused_in_spanish(monkeypatch):
    result = CliRunner().invoke(app, ["portal", "serve", "--max-body-mb", "-1"])
    assert result.exit_code == 2 and "--max-body-mb debe ser un número positivo" in result.output
    monkeypatch.setenv("DATOS_CALI_PORTAL_MAX_BODY_MB", "mucho")
    result = CliRunner().invoke(app, ["portal", "serve", "--port", "0"])
    assert result.exit_code == 2
    assert "DATOS_CALI_PORTAL_MAX_BODY_MB debe ser un número positivo" in result.output
