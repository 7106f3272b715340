"""The office's pages: the status page (auditors read it too), users, the audit log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from datos_cali.ledger.ventanilla import ROLES
from datos_cali.ventanilla import accounts, status
from datos_cali.ventanilla.accounts import ROLE_NAMES, AccountError
from datos_cali.ventanilla.security import client_ip
from datos_cali.ventanilla.service import (
    Ventanilla,
    not_found,
    redirect,
    signed_in,
)
from datos_cali.ventanilla.store import now

USER_CREATED = "Se creó la cuenta de {email} y se le envió la invitación por correo."
LINK_SENT = "Se envió a {email} un enlace de un solo uso."


def _office(service: Ventanilla, request: Request, *, readers: bool = False):
    visitor, user = signed_in(service, request)
    allowed = ("oficina", "auditor") if readers else ("oficina",)
    if user.role not in allowed:
        raise not_found()
    return visitor, user


def status_page(service: Ventanilla, request: Request, form) -> Response:
    visitor, _user = _office(service, request, readers=True)
    moment = now()
    statuses = status.office_status(
        service.ledger.engine,
        service.catalog,
        now=moment,
        prefect_yaml=service.prefect_yaml,
        local_portal_url=service.settings.local_portal_url,
    )
    return service.render(
        request,
        visitor,
        "estado.html",
        title="Estado de los conjuntos de datos",
        statuses=statuses,
        targets=status.targets_of(statuses, service.catalog),
        now=moment,
        overdue=sum(s.overdue for s in statuses),
        waiting=sum(s.waiting_correction for s in statuses),
        pending=sum(s.waiting_run_since is not None for s in statuses),
        smtp=bool(service.settings.smtp_url),
    )


def users(service: Ventanilla, request: Request, form) -> Response:
    visitor, user = _office(service, request)
    catalog = service.catalog
    error, flash, values = (
        None,
        None,
        {"correo": "", "nombre": "", "rol": "organismo", "organismo": ""},
    )
    if form is not None:
        service.guard.check_csrf(request, visitor, form.get("csrf"))
        values = {k: str(form.get(k, ""))[:320] for k in values}
        try:
            created = accounts.create_user(
                service.store,
                catalog,
                email=values["correo"],
                name=values["nombre"],
                role=values["rol"],
                organismo=values["organismo"] or None,
            )
        except AccountError as exc:
            error = str(exc)
        else:
            service.store.audit(
                "usuario_creado",
                actor=user.email,
                user_id=user.id,
                ip=client_ip(request),
                organismo=created.organismo,
                nuevo=created.email,
                rol=created.role,
            )
            token = accounts.new_link(service.store, created, "invitacion")
            service.notifier.one_time_link(created, "invitacion", token, catalog)
            flash = USER_CREATED.format(email=created.email)
            values = {"correo": "", "nombre": "", "rol": "organismo", "organismo": ""}
    return service.render(
        request,
        visitor,
        "usuarios.html",
        status=400 if error else 200,
        title="Usuarios",
        users=service.store.users(),
        roles=[(r, ROLE_NAMES[r]) for r in ROLES],
        role_names=ROLE_NAMES,
        organismos=sorted(((s, o.name) for s, o in catalog.organismos.items()), key=lambda x: x[1]),
        organismo_names={s: o.name for s, o in catalog.organismos.items()},
        form=values,
        error=error,
        flash=flash,
        flash_kind="exito",
    )


def user_action(service: Ventanilla, request: Request, form) -> Response:
    visitor, user = _office(service, request)
    service.guard.check_csrf(request, visitor, form.get("csrf"))
    target = service.store.user(request.path_params["user_id"])
    action = request.path_params["action"]
    if target is None or action not in ("enlace", "activar", "desactivar"):
        raise not_found()
    if action == "enlace":
        purpose = "restablecer" if target.password_hash else "invitacion"
        token = accounts.new_link(service.store, target, purpose)
        service.notifier.one_time_link(target, purpose, token, service.catalog)
        record = "enlace_enviado"
    elif target.id == user.id:
        raise not_found()
    else:
        service.store.set_active(target.id, action == "activar")
        record = "usuario_activado" if action == "activar" else "usuario_desactivado"
    service.store.audit(
        record, actor=user.email, user_id=user.id, ip=client_ip(request), cuenta=target.email
    )
    return redirect("/usuarios")


def audit_page(service: Ventanilla, request: Request, form) -> Response:
    visitor, _user = _office(service, request)
    return service.render(
        request, visitor, "auditoria.html", title="Auditoría", entries=service.store.audit_log()
    )
