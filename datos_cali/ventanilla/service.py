"""What every page shares: settings, the ledger and the ventanilla's tables, security, rendering.

Also who may see and do what: organismo users see and send only their organismo's datasets
and submissions (anything else answers 404, as if it did not exist), the office sees and
does everything, auditors read everything and change nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from datos_cali.catalog import Catalog, Dataset, load_catalog
from datos_cali.ledger import Ledger, open_ledger
from datos_cali.ledger.ventanilla import User
from datos_cali.reportsite import labels
from datos_cali.settings import Paths, paths
from datos_cali.ventanilla.accounts import ROLE_NAMES
from datos_cali.ventanilla.config import Settings, load_settings
from datos_cali.ventanilla.history import STATES
from datos_cali.ventanilla.notices import Notifier, receipt_number
from datos_cali.ventanilla.security import Guard, Visitor
from datos_cali.ventanilla.store import Store

HERE = Path(__file__).resolve().parent
NAV = {
    "organismo": [
        ("/inicio", "Inicio"),
        ("/enviar", "Enviar archivo"),
        ("/historial", "Historial"),
    ],
    "oficina": [
        ("/inicio", "Inicio"),
        ("/enviar", "Enviar archivo"),
        ("/historial", "Historial"),
        ("/estado", "Estado"),
        ("/usuarios", "Usuarios"),
        ("/auditoria", "Auditoría"),
    ],
    "auditor": [("/inicio", "Inicio"), ("/historial", "Historial"), ("/estado", "Estado")],
}
FINDING_KINDS = labels.KINDS
NOTICE_STATES = {
    "pendiente": "pendiente",
    "enviado": "enviado",
    "fallido": "falló el envío (se reintentará)",
    "sin_correo": "no enviado: sin servidor de correo",
}
ACTIONS = {
    "acceso": "entró",
    "acceso_fallido": "intento de entrada fallido",
    "acceso_bloqueado": "entrada bloqueada por intentos fallidos",
    "salida": "salió",
    "subida": "revisó un archivo",
    "subida_rechazada": "archivo no recibido",
    "envio": "envió un archivo",
    "usuario_creado": "creó un usuario",
    "enlace_enviado": "envió un enlace de un solo uso",
    "clave_cambiada": "eligió su contraseña",
    "restablecer_pedido": "pidió restablecer la contraseña",
    "usuario_activado": "activó un usuario",
    "usuario_desactivado": "desactivó un usuario",
    "csrf_rechazado": "formulario rechazado (CSRF)",
}


@dataclass
class Ventanilla:
    """What every page needs: settings, the ledger and the ventanilla's tables, security."""

    settings: Settings
    where: Paths
    ledger: Ledger
    store: Store
    guard: Guard
    notifier: Notifier
    templates: Environment

    @property
    def catalog(self) -> Catalog:
        return load_catalog(self.where.catalog)  # parsed once per version of the files

    @property
    def prefect_yaml(self) -> Path:
        return self.where.root / "prefect.yaml"

    # --- who may see and do what ----------------------------------------------------------------

    @staticmethod
    def organismos_of(user: User) -> frozenset[str] | None:
        """The organismos a user may see; None means all (office and auditors)."""
        return frozenset({user.organismo}) if user.role == "organismo" else None

    @staticmethod
    def may_see(user: User, organismo: str) -> bool:
        return user.role != "organismo" or user.organismo == organismo

    @staticmethod
    def may_send(user: User) -> bool:
        return user.role in ("organismo", "oficina")

    def uploadable(self, user: User) -> list[Dataset]:
        """Datasets the user may send files of: the inbox datasets of their organismo."""
        if not self.may_send(user):
            return []
        return sorted(
            (
                d
                for d in self.catalog.datasets.values()
                if d.source.kind == "inbox" and self.may_see(user, d.organismo)
            ),
            key=lambda d: (d.organismo, d.title),
        )

    # --- pages ----------------------------------------------------------------------------------

    def render(
        self,
        request: Request,
        visitor: Visitor,
        template: str,
        *,
        status: int = 200,
        **context,
    ) -> Response:
        user = visitor.user
        organismo = self.catalog.organismos.get(user.organismo or "") if user else None
        body = self.templates.get_template(template).render(
            user=user,
            csrf=visitor.csrf,
            nav=NAV[user.role] if user else [],
            current=request.url.path,
            role_name=ROLE_NAMES[user.role] if user else "",
            user_organismo=organismo.name if organismo else "",
            **context,
        )
        return self.guard.finish(HTMLResponse(body, status_code=status), visitor)

    def message(
        self, request: Request, visitor: Visitor, title: str, text: str, status: int, **extra
    ) -> Response:
        return self.render(
            request, visitor, "mensaje.html", status=status, title=title, message=text, **extra
        )


def _minute_cell(moment) -> Markup:
    """`2026-12-05 06:29` for a table cell: it may wrap between the date and the time, never
    inside the date (browsers break after its hyphens)."""
    date, _, time = labels.minute(moment).partition(" ")
    return Markup('<span class="sin-corte">{}</span> <span class="sin-corte">{}</span>').format(
        date, time
    )


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=False,
    )
    env.filters.update(
        cuando=labels.when,
        minuto=_minute_cell,
        iso=labels.iso,
        numero=labels.number,
        segundos=labels.duration,
        portal=labels.target,
        tipo=labels.kind,
        gravedad=labels.severity,
        estado=lambda value: STATES.get(value) or labels.outcome(value),
        aviso=lambda value: NOTICE_STATES.get(value, value),
        accion=lambda value: ACTIONS.get(value, value),
        recibo=receipt_number,
    )
    return env


def build(settings: Settings | None = None, ledger: Ledger | None = None) -> Ventanilla:
    settings = settings or load_settings()
    ledger = ledger or open_ledger()
    store = Store(ledger.engine)
    return Ventanilla(
        settings=settings,
        where=paths(),
        ledger=ledger,
        store=store,
        guard=Guard(settings, store),
        notifier=Notifier(store, settings),
        templates=_templates(),
    )


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def local_path(value: str | None, default: str = "/inicio") -> str:
    """A redirect target only within this site (no `//host`, no scheme)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def work_folder(service: Ventanilla, *parts: str) -> Path:
    folder = service.settings.work.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(service.settings.work, 0o700)
    return folder


class SignInFirst(Exception):
    """The page needs a signed-in user: off to the sign-in page, and back afterwards."""


def not_found() -> HTTPException:
    return HTTPException(404)


def signed_in(service: Ventanilla, request: Request) -> tuple[Visitor, User]:
    visitor = service.guard.visitor(request)
    if visitor.user is None:
        raise SignInFirst
    return visitor, visitor.user


def upload_folder(service: Ventanilla, upload_id: int) -> Path:
    """Where an upload's list of rows to fix (CSV, and Excel once asked for) is kept."""
    return work_folder(service, "envios").joinpath(str(upload_id))
