"""`datos-cali usuarios crear|listar`, `avisos enviar` and `datos-cali ventanilla` itself."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import requests
from typer.testing import CliRunner

from datos_cali.cli.app import app
from datos_cali.ledger import open_ledger
from datos_cali.settings import paths
from datos_cali.ventanilla import accounts
from datos_cali.ventanilla.store import Store
from tests.ventanilla.conftest import free_port


def test_the_first_office_user_gets_a_one_time_link_when_no_mail_goes_out(monkeypatch):
    monkeypatch.delenv("DATOS_CALI_SMTP_URL", raising=False)
    runner = CliRunner()
    created = runner.invoke(
        app, ["usuarios", "crear", "Jefe@Cali.gov.co", "--nombre", "Jefa", "--rol", "oficina"]
    )
    assert created.exit_code == 0, created.output
    assert "Usuario creado: jefe@cali.gov.co (oficina de transparencia)" in created.stdout
    token = re.search(r"http://127\.0\.0\.1:8080/enlace/(\S+)", created.stdout).group(1)
    with open_ledger() as ledger:
        store = Store(ledger.engine)
        assert store.valid_link(accounts.token_hash(token)) is not None
        [notice] = store.notices()
        assert token not in notice.body and notice.status == "sin_correo"

    listed = runner.invoke(app, ["usuarios", "listar"])
    assert "jefe@cali.gov.co" in listed.stdout and "invitado" in listed.stdout

    again = runner.invoke(
        app, ["usuarios", "crear", "jefe@cali.gov.co", "--nombre", "Otra", "--rol", "auditor"]
    )
    assert again.exit_code == 1 and "Ya existe un usuario" in again.stderr
    wrong = runner.invoke(
        app, ["usuarios", "crear", "a@b.co", "--nombre", "A", "--organismo", "nadie"]
    )
    assert wrong.exit_code == 1 and "no está en el catálogo" in wrong.stderr
    no_org = runner.invoke(app, ["usuarios", "crear", "c@d.co", "--nombre", "C"])
    assert no_org.exit_code == 1 and "debe indicar su organismo" in no_org.stderr


def test_a_password_can_come_from_standard_input():
    runner = CliRunner()
    short = runner.invoke(
        app,
        [
            "usuarios",
            "crear",
            "ana@salud.gov.co",
            "--nombre",
            "Ana",
            "--organismo",
            "salud",
            "--clave-por-entrada",
        ],
        input="corta\n",
    )
    assert short.exit_code == 1 and "al menos 12 caracteres" in short.stderr
    done = runner.invoke(
        app,
        [
            "usuarios",
            "crear",
            "luis@salud.gov.co",
            "--nombre",
            "Luis",
            "--organismo",
            "salud",
            "--clave-por-entrada",
        ],
        input="una frase bastante larga\n",
    )
    assert done.exit_code == 0 and "ya puede entrar" in done.stdout
    with open_ledger() as ledger:
        store = Store(ledger.engine)
        assert accounts.sign_in(store, "luis@salud.gov.co", "una frase bastante larga", None).user


def test_avisos_enviar_says_when_mail_is_not_configured(monkeypatch):
    monkeypatch.delenv("DATOS_CALI_SMTP_URL", raising=False)
    result = CliRunner().invoke(app, ["avisos", "enviar"])
    assert result.exit_code == 0 and "Avisos procesados: 0." in result.stdout
    assert "DATOS_CALI_SMTP_URL" in result.stderr


def test_datos_cali_ventanilla_serves_until_stopped():
    port = free_port()
    env = {**os.environ, "DATOS_CALI_STATE": str(paths().state)}
    env.pop("DATOS_CALI_VENTANILLA_SECRET", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "datos_cali", "ventanilla", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/entrar", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        assert answer.status_code == 200 and "Entrar a la ventanilla" in answer.text
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        secret_file = paths().state / "ventanilla" / "clave-secreta"
        assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert "Aún no hay usuarios" in err and "clave generada" in err
    assert secret_file.read_text().strip() not in out + err
    log = (paths().state / "logs" / "ventanilla.log").read_text(encoding="utf-8")
    assert "GET /entrar 200" in log
