"""Signing in and out, forgotten passwords and one-time links (invitations, resets)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from datos_cali.ventanilla import accounts
from datos_cali.ventanilla.accounts import AccountError
from datos_cali.ventanilla.security import client_ip
from datos_cali.ventanilla.service import (
    Ventanilla,
    local_path,
    redirect,
)
from datos_cali.ventanilla.store import now

WRONG_PASSWORD = "El correo o la contraseña no son correctos."
LOCKED = (
    "Hubo demasiados intentos fallidos. Por seguridad, espere 15 minutos antes de volver a "
    "intentarlo, o pida un enlace para restablecer la contraseña."
)
RESET_REQUESTS_PER_IP = 5


def root(service: Ventanilla, request: Request, form) -> Response:
    visitor = service.guard.visitor(request)
    return service.guard.finish(redirect("/inicio" if visitor.user else "/entrar"), visitor)


def sign_in(service: Ventanilla, request: Request, form) -> Response:
    visitor = service.guard.visitor(request)
    if form is None:
        if visitor.user is not None:
            return redirect("/inicio")
        next_path = local_path(request.query_params.get("siguiente"), "")
        return service.render(
            request, visitor, "entrar.html", title="Entrar", next_path=next_path, email=""
        )
    service.guard.check_csrf(request, visitor, form.get("csrf"))
    email = str(form.get("correo", ""))[:320]
    result = accounts.sign_in(service.store, email, str(form.get("clave", "")), client_ip(request))
    if result.user is None:
        return service.render(
            request,
            visitor,
            "entrar.html",
            status=429 if result.locked else 401,
            title="Entrar",
            error=LOCKED if result.locked else WRONG_PASSWORD,
            next_path=local_path(str(form.get("siguiente", "")), ""),
            email=email,
        )
    response = redirect(local_path(str(form.get("siguiente", ""))))
    service.guard.start_session(response, result.user)
    return response


def sign_out(service: Ventanilla, request: Request, form) -> Response:
    visitor = service.guard.visitor(request)
    service.guard.check_csrf(request, visitor, form.get("csrf"))
    response = redirect("/entrar")
    if visitor.user is not None:
        service.store.audit(
            "salida", actor=visitor.user.email, user_id=visitor.user.id, ip=client_ip(request)
        )
    service.guard.end_session(response, visitor)
    return response


def forgot(service: Ventanilla, request: Request, form) -> Response:
    visitor = service.guard.visitor(request)
    title = "Restablecer la contraseña"
    if form is None:
        return service.render(request, visitor, "olvide.html", title=title)
    service.guard.check_csrf(request, visitor, form.get("csrf"))
    ip = client_ip(request)
    window = now() - accounts.THROTTLE_WINDOW
    if (
        ip
        and service.store.count_actions("restablecer_pedido", window, ip=ip)
        >= RESET_REQUESTS_PER_IP
    ):
        return service.render(
            request, visitor, "olvide.html", status=429, title=title, error=LOCKED
        )
    email = str(form.get("correo", "")).strip().lower()[:320]
    service.store.audit("restablecer_pedido", actor=email or "?", ip=ip)
    user = service.store.user_by_email(email) if email else None
    if user is not None and user.active:
        token = accounts.new_link(service.store, user, "restablecer")
        service.notifier.one_time_link(user, "restablecer", token, service.catalog)
    return service.render(request, visitor, "olvide.html", title=title, sent=True)


def one_time_link(service: Ventanilla, request: Request, form) -> Response:
    visitor = service.guard.visitor(request)
    digest = accounts.token_hash(request.path_params["token"])
    link = service.store.valid_link(digest)
    account = service.store.user(link.user_id) if link else None
    title = "Elegir su contraseña"
    if link is None or account is None or not account.active:
        return service.render(
            request, visitor, "enlace.html", status=404, title=title, invalid=True
        )
    context = {"title": title, "account": account, "min_length": accounts.MIN_PASSWORD}
    if form is None:
        return service.render(request, visitor, "enlace.html", **context)
    service.guard.check_csrf(request, visitor, form.get("csrf"))
    try:
        accounts.check_password(
            str(form.get("clave", "")), account.email, str(form.get("repetida", ""))
        )
    except AccountError as exc:
        return service.render(
            request, visitor, "enlace.html", status=400, error=str(exc), **context
        )
    if not service.store.use_link(digest):  # used meanwhile, by another tab
        return service.render(
            request, visitor, "enlace.html", status=404, title=title, invalid=True
        )
    accounts.set_password(service.store, account, str(form.get("clave", "")))
    service.store.audit(
        "clave_cambiada",
        actor=account.email,
        user_id=account.id,
        ip=client_ip(request),
        via=link.purpose,
    )
    response = redirect("/inicio")
    service.guard.start_session(response, account)
    return response
