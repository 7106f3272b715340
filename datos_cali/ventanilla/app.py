"""The Starlette application: routes, errors, the notice loop; wrapped in the security headers.

`create_app()` opens the ledger (migrating it), loads the settings and returns the ASGI app;
`datos_cali.ventanilla.pages` has the pages. Errors never show a traceback or a server path:
404/405 and anything unexpected become a Spanish page, the detail goes to the server's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import quote

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from datos_cali.ventanilla import pages
from datos_cali.ventanilla.security import CsrfRefused, SecureHeaders, client_ip
from datos_cali.ventanilla.service import HERE, SignInFirst, Ventanilla, build

log = logging.getLogger("datos_cali.ventanilla")

NOT_FOUND = "No encontramos esa página, o no tiene permiso para verla."
NOT_ALLOWED = "Esa acción no se puede hacer así. Vuelva a la página anterior e inténtelo de nuevo."
UNEXPECTED = (
    "Ocurrió un error inesperado. No se perdió nada de lo que ya se había recibido. "
    "Inténtelo de nuevo; si se repite, avise a la Oficina Asesora de Transparencia."
)
CSRF_REFUSED = (
    "El formulario venció o no vino de esta ventanilla, así que no se hizo nada. "
    "Vuelva a cargar la página e inténtelo de nuevo."
)
NOTICE_LOOP_FAILED = "La revisión periódica de avisos falló; se intentará de nuevo."


async def _notice_loop(service: Ventanilla) -> None:
    """Every `notices_every_s`: the notices the ledger calls for (rejections, publications…)."""
    while True:
        try:
            await anyio.to_thread.run_sync(
                lambda: service.notifier.dispatch(service.catalog, service.where)
            )
        except Exception:
            log.exception(NOTICE_LOOP_FAILED)
        await asyncio.sleep(service.settings.notices_every_s)


def create_app(service: Ventanilla | None = None, *, notices: bool = True):
    """The ASGI application (wrapped in the security-headers middleware)."""
    service = service or build()
    # Uvicorn's access log would write one-time link tokens in paths; ours hides them.
    logging.getLogger("uvicorn.access").disabled = True

    @contextlib.asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(_notice_loop(service)) if notices else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
            service.ledger.close()

    async def http_error(request: Request, exc: HTTPException) -> Response:
        visitor = service.guard.visitor(request)
        if exc.status_code == 404:
            return service.message(request, visitor, "Página no encontrada", NOT_FOUND, 404)
        return service.message(
            request, visitor, "Acción no permitida", NOT_ALLOWED, exc.status_code
        )

    async def csrf_error(request: Request, exc: CsrfRefused) -> Response:
        visitor = service.guard.visitor(request)
        service.store.audit(
            "csrf_rechazado",
            actor=visitor.user.email if visitor.user else "?",
            user_id=visitor.user.id if visitor.user else None,
            ip=client_ip(request),
            ruta=request.url.path,
        )
        return service.message(request, visitor, "Formulario no válido", CSRF_REFUSED, 403)

    async def sign_in_first(request: Request, exc: SignInFirst) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/entrar?siguiente={quote(target)}", status_code=303)

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("Error inesperado en %s %s", request.method, request.url.path, exc_info=exc)
        page = service.templates.get_template("mensaje.html").render(
            user=None, csrf="", nav=[], title="Error inesperado", message=UNEXPECTED
        )
        return HTMLResponse(page, status_code=500)

    app = Starlette(
        routes=[
            *pages.routes(service),
            Mount("/estatico", StaticFiles(directory=HERE / "static"), name="estatico"),
        ],
        exception_handlers={
            HTTPException: http_error,
            CsrfRefused: csrf_error,
            SignInFirst: sign_in_first,
            Exception: unexpected,
        },
        lifespan=lifespan,
    )
    app.state.service = service
    return SecureHeaders(app, hsts=service.settings.secure_cookies)
