"""`datos-cali servidor preparar|secretos`: what an installation sets up once on its Prefect
server (the engine is `datos_cali_flows.operations`)."""

from __future__ import annotations

import typer

from datos_cali.cli.app import servidor_app
from datos_cali.cli.common import EXIT_OK, die, out

NO_API = (
    "Defina PREFECT_API_URL con la dirección del servidor de Prefect "
    "(por ejemplo http://prefect.interno:4200/api)."
)
UNREACHABLE = "No se pudo hablar con el servidor de Prefect en {url}: {kind}."
LIMIT_LINE = "Límite de escrituras simultáneas en los portales («{name}»): {size} {how}."
AUTOMATION_LINE = (
    "Automatización «{name}»: una ejecución sin latidos durante {seconds} s (latido cada "
    "{every} s) pasa a CRASHED; {how}."
)
NO_SECRETS = (
    "No hay credenciales en el entorno: defina SOCRATA_KEY_ID, SOCRATA_KEY_SECRET, "
    "SOCRATA_APP_TOKEN o CKAN_API_TOKEN y vuelva a ejecutar."
)
SAVED = "Bloque Secret «{name}» guardado."
MISSING_SECRET = "Sin valor en el entorno para «{name}»: no se creó."


def _api_url() -> str:
    # Deferred: Prefect takes seconds to import; only the commands that use it load it.
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        die(NO_API)
    return url


@servidor_app.command("preparar")
def preparar() -> None:
    """Crea o ajusta, en el servidor de Prefect, el límite de escrituras en los portales
    (DATOS_CALI_PORTAL_WRITES) y la automatización que marca como CRASHED las ejecuciones que
    dejan de enviar latidos (PREFECT_FLOWS_HEARTBEAT_FREQUENCY). Ejecútelo después de
    «prefect deploy --all» y cada vez que cambie esa configuración."""
    url = _api_url()
    from datos_cali_flows.common import PORTAL_WRITES
    from datos_cali_flows.operations import CRASH_AUTOMATION, prepare

    try:
        done = prepare()
    except Exception as exc:  # the server is down or refuses: said, not a traceback
        die(UNREACHABLE.format(url=url, kind=type(exc).__name__))
    out.print(
        LIMIT_LINE.format(
            name=PORTAL_WRITES,
            size=done.limit,
            how="(ajustado)" if done.limit_changed else "(ya estaba así)",
        )
    )
    out.print(
        AUTOMATION_LINE.format(
            name=CRASH_AUTOMATION,
            seconds=done.crashed_after_seconds,
            every=done.heartbeat_seconds,
            how="creada" if done.automation_changed else "ya existía",
        )
    )
    raise typer.Exit(EXIT_OK)


@servidor_app.command("secretos")
def secretos() -> None:
    """Crea o reemplaza los bloques Secret de Prefect (socrata-key-id, socrata-key-secret,
    socrata-app-token, ckan-api-token) con las credenciales de este entorno, para que los
    workers no las necesiten en el suyo. Nunca muestra los valores."""
    url = _api_url()
    from datos_cali_flows.operations import SECRET_BLOCKS, save_secrets, secrets_from_environment

    values = secrets_from_environment()
    if not values:
        die(NO_SECRETS)
    try:
        saved = save_secrets(values)
    except Exception as exc:
        die(UNREACHABLE.format(url=url, kind=type(exc).__name__))
    for name in SECRET_BLOCKS:
        out.print(SAVED.format(name=name) if name in saved else MISSING_SECRET.format(name=name))
    raise typer.Exit(EXIT_OK)
