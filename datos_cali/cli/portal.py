"""`datos-cali portal serve` — the embedded local portal, in the foreground."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import typer
from rich.markup import escape

from datos_cali.cli.app import portal_app
from datos_cali.cli.common import die, out
from datos_cali.settings import paths

DEFAULT_PORT = 8765
FAULTS_ENV = "DATOS_CALI_PORTAL_FAULTS"

LISTENING = "[bold green]Portal local escuchando en[/] {url}"
DATA_AT = "Datos guardados en: {path}"
DOMAIN_LINE = "Dominio para sodapy: {domain}"
APP_TOKEN_LINE = "Token de aplicación (X-App-Token): {token}"
KEY_ID_LINE = "Id. de la clave de API (usuario): {key_id}"
CKAN_TOKEN_LINE = "Token de la API de CKAN (encabezado Authorization): {token}"
KEY_SECRET_LINE = "Secreto de la clave de API (contraseña): {secret}"
MAX_BODY_LINE = "Cuerpo máximo por solicitud: {megabytes:g} MB"
FAULTS_LINE = "[yellow]Fallas simuladas activas:[/] {faults}"
STOP_HINT = "Pulse Ctrl-C para detenerlo."
STOPPED = "Portal local detenido."
BAD_FAULTS = "La opción --faults no es válida: {reason}."
BAD_MAX_BODY = "La opción --max-body-mb debe ser un número positivo de megabytes, no «{value}»."
PORT_BUSY = "No se pudo abrir el puerto {port} en 127.0.0.1: {reason}. Pruebe con otro (--port)."


def _stop_on_sigterm(_signum, _frame) -> None:
    raise KeyboardInterrupt


def _announce(portal, folder: Path, settings) -> None:
    credentials = portal.credentials
    out.print(LISTENING.format(url=portal.url))
    out.print(DATA_AT.format(path=escape(str(folder))))
    out.print(DOMAIN_LINE.format(domain=portal.domain))
    out.print(APP_TOKEN_LINE.format(token=credentials.app_token))
    out.print(KEY_ID_LINE.format(key_id=credentials.key_id))
    out.print(KEY_SECRET_LINE.format(secret=credentials.key_secret))
    out.print(CKAN_TOKEN_LINE.format(token=credentials.ckan_token))
    out.print(MAX_BODY_LINE.format(megabytes=portal.max_body_bytes / 1024 / 1024))
    if settings.any_fault or settings.latency_ms:
        out.print(FAULTS_LINE.format(faults=settings.describe()))
    out.print(STOP_HINT)
    out.file.flush()


@portal_app.command("serve")
def serve(
    port: int = typer.Option(
        DEFAULT_PORT,
        "--port",
        "-p",
        metavar="PUERTO",
        help="Puerto en 127.0.0.1 (0 = uno libre cualquiera).",
    ),
    data: Path | None = typer.Option(
        None,
        "--data",
        metavar="CARPETA",
        help="Carpeta donde el portal guarda sus datos (por omisión, <estado>/portal).",
    ),
    faults: str = typer.Option(
        "",
        "--faults",
        metavar="FALLAS",
        envvar=FAULTS_ENV,
        help="Fallas simuladas, p. ej. «seed=3,rate_429=0.1,rate_reset=0.05,latency_ms=20».",
    ),
    max_body_mb: float | None = typer.Option(
        None,
        "--max-body-mb",
        help="Tamaño máximo del cuerpo de una solicitud, en MB (por omisión "
        "DATOS_CALI_PORTAL_MAX_BODY_MB o 64); las mayores reciben 413.",
    ),
) -> None:
    """Inicia el portal local (API de Socrata) en esta máquina hasta que se pulse Ctrl-C."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.localportal import FaultSettings, LocalPortal

    try:
        settings = FaultSettings.parse(faults)
    except ValueError as exc:
        die(BAD_FAULTS.format(reason=exc))
    if max_body_mb is not None and not max_body_mb > 0:
        die(BAD_MAX_BODY.format(value=max_body_mb))
    folder = data or paths().state / "portal"
    try:
        limit = int(max_body_mb * 1024 * 1024) if max_body_mb else None
        portal = LocalPortal(folder, port=port, faults=settings, max_body_bytes=limit)
    except ValueError as exc:  # DATOS_CALI_PORTAL_MAX_BODY_MB is not a number
        die(str(exc))
    try:
        portal.start()
    except OSError as exc:
        die(PORT_BUSY.format(port=port, reason=exc.strerror or exc))
    try:  # from here on, Ctrl-C (or SIGTERM) is the normal way out
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        _announce(portal, folder, settings)
        forever = threading.Event()
        while not forever.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        portal.stop()
    out.print(STOPPED)
