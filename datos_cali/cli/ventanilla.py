"""`datos-cali ventanilla`, `usuarios crear|listar`, `estado` and `avisos enviar`."""

from __future__ import annotations

import json
import sys

import typer

from datos_cali.cli.app import app, avisos_app, usuarios_app
from datos_cali.cli.common import EXIT_BLOCKED, EXIT_OK, die, err, out, project_catalog

DEFAULT_PORT = 8080
NO_SECRET = (
    "[yellow]Aviso:[/] sin DATOS_CALI_VENTANILLA_SECRET se usa una clave generada y guardada en "
    "el estado ({path}); en producción defina la variable."
)
NO_SMTP = (
    "[yellow]Aviso:[/] sin DATOS_CALI_SMTP_URL los avisos por correo se guardan y se ven en el "
    "historial, pero no se envían."
)
SMTP_AT = "Correo saliente: {url}"
LISTENING = "[bold green]Ventanilla en[/] http://{host}:{port}  (Ctrl-C para detenerla)"
FIRST_USER = (
    "Aún no hay usuarios: cree el primero con\n"
    '  datos-cali usuarios crear CORREO --nombre "NOMBRE" --rol oficina'
)
CREATED = "[green]Usuario creado:[/] {email} ({role}{organismo})."
INVITED = "Se envió la invitación por correo a {email}."
LINK = (
    "Enlace de un solo uso para elegir la contraseña (vence en 7 días; no se guarda, "
    "cópielo ahora):\n  {url}"
)
PASSWORD_SET = "Contraseña guardada: ya puede entrar en {url}/entrar"
EMPTY_PASSWORD = "No llegó ninguna contraseña por la entrada estándar."
SENT = "Avisos procesados: {count}."


@app.command()
def ventanilla(
    host: str = typer.Option("127.0.0.1", "--host", help="Dirección donde escuchar."),
    port: int = typer.Option(DEFAULT_PORT, "--port", "-p", help="Puerto donde escuchar."),
    workers: int = typer.Option(1, "--workers", help="Procesos que atienden (uno por núcleo)."),
) -> None:
    """Inicia la ventanilla web de los organismos (subir, revisar, enviar, historial, estado)."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.ledger import open_ledger
    from datos_cali.ventanilla import mail
    from datos_cali.ventanilla.config import load_settings
    from datos_cali.ventanilla.server import serve
    from datos_cali.ventanilla.store import Store

    try:
        settings = load_settings()
    except ValueError as exc:
        die(str(exc))
    if settings.secret_generated:
        err.print(NO_SECRET.format(path=settings.work / "clave-secreta"))
    err.print(SMTP_AT.format(url=mail.display(settings.smtp_url)) if settings.smtp_url else NO_SMTP)
    with open_ledger() as ledger:  # migrate once before the workers start
        if Store(ledger.engine).count_users() == 0:
            err.print(FIRST_USER)
    out.print(LISTENING.format(host=host, port=port))
    serve(host, port, workers)


@usuarios_app.command("crear")
def create_user(
    email: str = typer.Argument(..., help="Correo electrónico de la persona (su usuario)."),
    name: str = typer.Option(..., "--nombre", help="Nombre de la persona."),
    role: str = typer.Option(
        "organismo", "--rol", help="organismo, oficina (de transparencia) o auditor."
    ),
    organismo: str | None = typer.Option(
        None, "--organismo", help="Organismo del catálogo (obligatorio para el rol organismo)."
    ),
    password_stdin: bool = typer.Option(
        False,
        "--clave-por-entrada",
        help="Leer la contraseña de la entrada estándar en vez de enviar una invitación.",
    ),
) -> None:
    """Crea un usuario de la ventanilla y le envía la invitación (o imprime el enlace)."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.ledger import open_ledger
    from datos_cali.ventanilla import accounts
    from datos_cali.ventanilla.config import load_settings
    from datos_cali.ventanilla.notices import Notifier
    from datos_cali.ventanilla.store import Store

    catalog = project_catalog()
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    if password_stdin and not password:
        die(EMPTY_PASSWORD)
    settings = load_settings()
    with open_ledger() as ledger:
        store = Store(ledger.engine)
        try:
            user = accounts.create_user(
                store, catalog, email=email, name=name, role=role, organismo=organismo
            )
            if password is not None:
                accounts.set_password(store, user, password)
        except accounts.AccountError as exc:
            die(str(exc), EXIT_BLOCKED)
        store.audit("usuario_creado", nuevo=user.email, rol=user.role, organismo=user.organismo)
        out.print(
            CREATED.format(
                email=user.email,
                role=accounts.ROLE_NAMES[user.role],
                organismo=f", {user.organismo}" if user.organismo else "",
            )
        )
        if password is not None:
            out.print(PASSWORD_SET.format(url=settings.base_url))
            raise typer.Exit(EXIT_OK)
        token = accounts.new_link(store, user, "invitacion")
        mailed = Notifier(store, settings).one_time_link(user, "invitacion", token, catalog)
        if mailed.status == "enviado":
            out.print(INVITED.format(email=user.email))
        else:  # no SMTP (or it failed): the office hands the link over itself
            out.print(LINK.format(url=f"{settings.base_url}/enlace/{token}"))
    raise typer.Exit(EXIT_OK)


@usuarios_app.command("listar")
def list_users() -> None:
    """Lista las cuentas de la ventanilla con su rol, organismo y estado."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    from datos_cali.ledger import open_ledger
    from datos_cali.ventanilla.accounts import ROLE_NAMES
    from datos_cali.ventanilla.store import Store

    with open_ledger() as ledger:
        users = Store(ledger.engine).users()
    table = Table(title="Usuarios de la ventanilla")
    for header in ("Correo", "Nombre", "Rol", "Organismo", "Estado"):
        table.add_column(header, overflow="fold")
    for user in users:
        state = "desactivado" if not user.active else "activo" if user.password_hash else "invitado"
        table.add_row(user.email, user.name, ROLE_NAMES[user.role], user.organismo or "—", state)
    out.print(table)


@app.command()
def estado(
    as_json: bool = typer.Option(False, "--json", help="Imprimir un único objeto JSON."),
    organismo: str | None = typer.Option(None, "--organismo", help="Solo los de un organismo."),
) -> None:
    """Estado de cada conjunto: último resultado y causa, última publicación por portal,
    próxima ejecución, atraso según su frecuencia y si se espera un archivo corregido."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.ledger import open_ledger
    from datos_cali.settings import paths
    from datos_cali.ventanilla.status import office_status

    catalog = project_catalog()
    if organismo and organismo not in catalog.organismos:
        die(f"El organismo «{organismo}» no está en el catálogo.")
    with open_ledger() as ledger:
        statuses = office_status(
            ledger.engine,
            catalog,
            prefect_yaml=paths().root / "prefect.yaml",
            organismos=frozenset({organismo}) if organismo else None,
        )
    if as_json:
        print(json.dumps({"datasets": [s.to_dict() for s in statuses]}, ensure_ascii=False))
        raise typer.Exit(EXIT_OK)
    _print_status(statuses)
    raise typer.Exit(EXIT_OK)


def _print_status(statuses) -> None:
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    from datos_cali.reportsite.labels import minute

    table = Table(title="Estado de los conjuntos de datos", title_justify="left")
    for header in (
        "Conjunto",
        "Organismo",
        "Último resultado",
        "Causa",
        "Publicado",
        "Próxima",
        "Al día",
        "Espera",
    ):
        table.add_column(header, overflow="fold")
    for s in statuses:
        published = "; ".join(f"{p.target} {minute(p.at)}" for p in s.publications) or "nunca"
        current = (
            f"atrasado {s.days_late} días"
            if s.overdue
            else ("sí" if s.last_success else "nunca publicado")
        )
        waiting = (
            "archivo corregido"
            if s.waiting_correction
            else ("ejecución" if s.waiting_run_since else "—")
        )
        table.add_row(
            s.slug,
            f"{s.last_label} ({minute(s.last_at)})" if s.last_at else s.last_label,
            s.cause,
            published,
            minute(s.next_run) if s.next_run else "sin programación",
            current,
            waiting,
        )
    out.print(table)


@avisos_app.command("enviar")
def send_notices() -> None:
    """Envía los avisos pendientes según el registro (rechazos, publicaciones, atrasos)."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.ledger import open_ledger
    from datos_cali.settings import paths
    from datos_cali.ventanilla.config import load_settings
    from datos_cali.ventanilla.notices import Notifier
    from datos_cali.ventanilla.store import Store

    settings = load_settings()
    if not settings.smtp_url:
        err.print(NO_SMTP)
    with open_ledger() as ledger:
        count = Notifier(Store(ledger.engine), settings).dispatch(project_catalog(), paths())
    out.print(SENT.format(count=count))
