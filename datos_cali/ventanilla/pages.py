"""The ventanilla's pages.

Every page but the upload runs in a worker thread (the database, the hand-off and SMTP
block); the upload is async because its body is streamed. Every POST checks its CSRF token
first. Whatever belongs to another organismo answers 404, exactly like what does not exist,
so guessing URLs tells nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from functools import partial

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from datos_cali import archive
from datos_cali.contracts import load_contract
from datos_cali.findings import Severity
from datos_cali.ledger.ventanilla import ROLES, Upload, User
from datos_cali.sources.inbox import hand_in
from datos_cali.ventanilla import accounts, checking, history, status
from datos_cali.ventanilla.accounts import ROLE_NAMES, AccountError
from datos_cali.ventanilla.immediate import ImmediateRunFailed, request_run
from datos_cali.ventanilla.notices import receipt_number
from datos_cali.ventanilla.security import Visitor, client_ip
from datos_cali.ventanilla.service import Ventanilla, local_path, redirect, work_folder
from datos_cali.ventanilla.store import UploadFilter, now
from datos_cali.ventanilla.uploads import UploadRefused, receive_upload, size_words

WRONG_PASSWORD = "El correo o la contraseña no son correctos."
LOCKED = (
    "Hubo demasiados intentos fallidos. Por seguridad, espere 15 minutos antes de volver a "
    "intentarlo, o pida un enlace para restablecer la contraseña."
)
NOT_YOURS = "No puede enviar archivos de ese conjunto de datos."
NOT_RECOGNISED = (
    "No reconocimos a qué conjunto pertenece «{name}»: sus encabezados no coinciden con "
    "ninguno de sus conjuntos. Elija el conjunto en la lista y vuelva a enviarlo."
)
AMBIGUOUS = (
    "Los encabezados de «{name}» corresponden a varios conjuntos ({titles}). Elija el conjunto "
    "en la lista y vuelva a enviarlo."
)
ALREADY_SENT = "Este archivo ya se había enviado: su recibo es el n.º {number}."
NOT_PUBLISHABLE = "Este archivo no se puede enviar: tiene errores que impiden publicarlo."
SENT = "Archivo enviado. Su recibo es el n.º {number}; también se lo enviamos por correo."
USER_CREATED = "Se creó la cuenta de {email} y se le envió la invitación por correo."
LINK_SENT = "Se envió a {email} un enlace de un solo uso."
BAD_DATE = "La fecha «{value}» no es válida; use el calendario o el formato aaaa-mm-dd."
RESET_REQUESTS_PER_IP = 5
FINDING_ORDER = {Severity.BLOCK: 0, Severity.WARN: 1, Severity.INFO: 2}
_DRAIN_LIMIT = 64 * 1024 * 1024


class SignInFirst(Exception):
    """The page needs a signed-in user: off to the sign-in page, and back afterwards."""


def not_found() -> HTTPException:
    return HTTPException(404)


def signed_in(service: Ventanilla, request: Request) -> tuple[Visitor, User]:
    visitor = service.guard.visitor(request)
    if visitor.user is None:
        raise SignInFirst
    return visitor, visitor.user


def routes(service: Ventanilla) -> list[Route]:
    def page(handler):
        async def endpoint(request: Request) -> Response:
            form = None
            if request.method == "POST":
                form = await request.form(max_files=0, max_fields=20, max_part_size=64 * 1024)
            return await anyio.to_thread.run_sync(partial(handler, service, request, form))

        return endpoint

    async def upload(request: Request) -> Response:
        return await receive(service, request)

    get, post = ["GET"], ["POST"]
    return [
        Route("/", page(root), methods=get),
        Route("/salud", lambda request: PlainTextResponse("ok"), methods=get),
        Route("/entrar", page(sign_in), methods=[*get, *post]),
        Route("/salir", page(sign_out), methods=post),
        Route("/olvide", page(forgot), methods=[*get, *post]),
        Route("/enlace/{token}", page(one_time_link), methods=[*get, *post]),
        Route("/inicio", page(home), methods=get),
        Route("/enviar", page(upload_form), methods=get),
        Route("/enviar", upload, methods=post),
        Route("/envios/{upload_id:int}", page(submission), methods=get),
        Route("/envios/{upload_id:int}/enviar", page(send), methods=post),
        Route("/envios/{upload_id:int}/filas.csv", page(rows_csv), methods=get),
        Route("/envios/{upload_id:int}/filas.xlsx", page(rows_xlsx), methods=get),
        Route("/historial", page(history_page), methods=get),
        Route("/estado", page(status_page), methods=get),
        Route("/usuarios", page(users), methods=[*get, *post]),
        Route("/usuarios/{user_id:int}/{action}", page(user_action), methods=post),
        Route("/auditoria", page(audit_page), methods=get),
    ]


# --- signing in and out -------------------------------------------------------------------------


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


# --- the clerk's pages --------------------------------------------------------------------------


def home(service: Ventanilla, request: Request, form) -> Response:
    visitor, user = signed_in(service, request)
    catalog = service.catalog
    scope = service.organismos_of(user)
    statuses = status.office_status(
        service.ledger.engine,
        catalog,
        prefect_yaml=service.prefect_yaml,
        local_portal_url=service.settings.local_portal_url,
        organismos=scope,
    )
    uploads = service.store.uploads(UploadFilter(organismos=scope, limit=5))
    recent = history.submissions(
        service.ledger.engine,
        uploads,
        service.store.receipts(u.id for u in uploads),
        local_portal_url=service.settings.local_portal_url,
    )
    return service.render(
        request,
        visitor,
        "inicio.html",
        title="Inicio",
        statuses=statuses,
        recent=recent,
        titles={slug: d.title for slug, d in catalog.datasets.items()},
        can_upload=service.may_send(user),
        uploadable={d.slug for d in service.uploadable(user)},
    )


def upload_form(
    service: Ventanilla, request: Request, form, *, error: str | None = None, status_code=200
) -> Response:
    visitor, user = signed_in(service, request)
    if not service.may_send(user):
        raise not_found()
    datasets = service.uploadable(user)
    chosen = request.query_params.get("conjunto", "")
    return service.render(
        request,
        visitor,
        "enviar.html",
        status=status_code,
        title="Revisar y enviar un archivo",
        datasets=datasets,
        chosen=chosen if chosen in {d.slug for d in datasets} else "",
        show_organismo=user.role != "organismo",
        organismos={slug: o.name for slug, o in service.catalog.organismos.items()},
        max_size=size_words(service.settings.max_upload_bytes),
        max_bytes=service.settings.max_upload_bytes,
        error=error,
    )


async def receive(service: Ventanilla, request: Request) -> Response:
    """POST /enviar: stream the file to the archive, recognise the dataset, run the pre-check."""
    visitor = await anyio.to_thread.run_sync(service.guard.visitor, request)
    user = visitor.user
    if user is None:
        raise SignInFirst
    if not service.may_send(user):
        raise not_found()
    allowed = {d.slug: d for d in service.uploadable(user)}

    def check_fields(fields: dict) -> None:
        service.guard.check_csrf(request, visitor, fields.get("csrf"))
        choice = fields.get("conjunto", "")
        if choice and choice not in allowed:
            raise UploadRefused(NOT_YOURS, 404)

    try:
        received = await receive_upload(
            request,
            folder=work_folder(service, "entrantes"),
            max_bytes=service.settings.max_upload_bytes,
            on_fields=check_fields,
            origin={
                "source_kind": "ventanilla",
                "organismo": user.organismo,
                "user": user.email,
            },
        )
    except UploadRefused as exc:
        await _drain(request)
        return await anyio.to_thread.run_sync(
            partial(_refused, service, request, user, str(exc), exc.status)
        )
    return await _check(service, request, user, allowed, received)


def _refused(service: Ventanilla, request: Request, user: User, message: str, code: int):
    service.store.audit(
        "subida_rechazada",
        actor=user.email,
        user_id=user.id,
        organismo=user.organismo,
        ip=client_ip(request),
        motivo=message,
    )
    return upload_form(service, request, None, error=message, status_code=code)


async def _drain(request: Request) -> None:
    """Read what the browser is still sending, so it gets the answer instead of a reset."""
    read = 0
    try:
        async for chunk in request.stream():
            read += len(chunk)
            if read > _DRAIN_LIMIT:
                break
    except Exception:  # the body was already consumed or the client left: nothing to drain
        return


async def _check(service, request, user, allowed, received) -> Response:
    name = received.file_name
    slug = received.fields.get("conjunto", "")
    recognised = not slug
    catalog = service.catalog
    if recognised:
        headers = await anyio.to_thread.run_sync(checking.header_row, received.archived.path, name)
        found = checking.recognise(headers, list(allowed.values()), catalog, service.where.schemas)
        if not found or (len(found) > 1 and found[0][1] == found[1][1]):
            message = (
                NOT_RECOGNISED.format(name=name)
                if not found
                else AMBIGUOUS.format(
                    name=name,
                    titles=", ".join(f"«{d.title}»" for d, share in found if share == found[0][1]),
                )
            )
            return await anyio.to_thread.run_sync(
                partial(_refused, service, request, user, message, 422)
            )
        slug = found[0][0].slug
    dataset = allowed[slug]
    contract = load_contract(dataset.schema_name, service.where.schemas)
    scratch = work_folder(service, "analisis", uuid.uuid4().hex)
    async with _ANALYSES:
        checked = await anyio.to_thread.run_sync(
            checking.analyse_upload,
            received.archived.path,
            name,
            dataset,
            contract,
            catalog,
            scratch,
        )
    return await anyio.to_thread.run_sync(
        partial(_record, service, request, user, dataset, received, checked, recognised, scratch)
    )


# Analyses at once: one per core. More would only share the cores and add up their memory.
_ANALYSES = anyio.CapacityLimiter(max(1, os.cpu_count() or 1))


def _record(service, request, user, dataset, received, checked, recognised, scratch) -> Response:
    result = checked.result
    findings = sorted(result.findings, key=lambda f: FINDING_ORDER[f.severity])
    upload = service.store.add_upload(
        user_id=user.id,
        organismo=dataset.organismo,
        dataset=dataset.slug,
        recognised=recognised,
        file_name=received.file_name,
        sha256=received.archived.sha256,
        size=received.archived.size,
        rows=result.rows,
        columns=len(result.columns),
        publishable=result.publishable,
        errors_count=len(result.errors),
        warnings_count=len(result.warnings),
        rows_to_fix=checked.rows_to_fix,
        findings=[
            {
                **f.public_dict(),
                "severity": f.severity.value,
                "header": checked.headers.get(f.column or "", f.column),
            }
            for f in findings
        ],
        headers=checked.headers,
        uploaded_at=now(),
        seconds=checked.seconds,
    )
    os.replace(scratch, _upload_folder(service, upload.id))
    service.store.audit(
        "subida",
        actor=user.email,
        user_id=user.id,
        organismo=dataset.organismo,
        dataset=dataset.slug,
        ip=client_ip(request),
        sha256=upload.sha256,
        publicable=upload.publishable,
    )
    return redirect(f"/envios/{upload.id}")


def _upload_folder(service: Ventanilla, upload_id: int):
    return work_folder(service, "envios").joinpath(str(upload_id))


def _own_upload(service: Ventanilla, user: User, upload_id: int) -> Upload:
    upload = service.store.upload(upload_id)
    if upload is None or not service.may_see(user, upload.organismo):
        raise not_found()
    return upload


def submission(service: Ventanilla, request: Request, form) -> Response:
    visitor, user = signed_in(service, request)
    upload = _own_upload(service, user, request.path_params["upload_id"])
    catalog = service.catalog
    dataset = catalog.datasets.get(upload.dataset)
    organismo = catalog.organismos.get(upload.organismo)
    receipt = service.store.receipt(upload.id)
    [item] = history.submissions(
        service.ledger.engine,
        [upload],
        {upload.id: receipt} if receipt else {},
        local_portal_url=service.settings.local_portal_url,
    )
    upcoming = status.next_runs(service.prefect_yaml, now())
    return service.render(
        request,
        visitor,
        "envio.html",
        title=f"Revisión de «{upload.file_name}»",
        upload=upload,
        submission=item,
        findings=upload.findings,
        dataset_title=dataset.title if dataset else upload.dataset,
        organismo_name=organismo.name if organismo else upload.organismo,
        receipt_number=receipt_number(receipt) if receipt else "",
        next_run=upcoming.get(upload.dataset),
        can_send=service.may_send(user) and dataset is not None,
        immediate=bool(service.settings.prefect_api_url),
        notices=service.store.notices(
            organismos=frozenset({upload.organismo}), dataset=upload.dataset, limit=10
        ),
    )


def send(service: Ventanilla, request: Request, form) -> Response:
    """Hand the upload to its dataset's inbox, give a receipt, tell the clerk by e-mail."""
    visitor, user = signed_in(service, request)
    service.guard.check_csrf(request, visitor, form.get("csrf"))
    if not service.may_send(user):
        raise not_found()
    upload = _own_upload(service, user, request.path_params["upload_id"])
    existing = service.store.receipt(upload.id)
    if existing is not None:
        return service.message(
            request,
            visitor,
            "Ya enviado",
            ALREADY_SENT.format(number=receipt_number(existing)),
            409,
            kind="info",
            back=f"/envios/{upload.id}",
            back_label="Ver el envío",
        )
    if not upload.publishable:
        return service.message(
            request,
            visitor,
            "No se puede enviar",
            NOT_PUBLISHABLE,
            409,
            back=f"/envios/{upload.id}",
            back_label="Ver la revisión",
        )
    catalog = service.catalog
    dataset = catalog.datasets.get(upload.dataset)
    if dataset is None:
        raise not_found()
    stamp = now()
    suffix = os.path.splitext(upload.file_name)[1].lower()
    inbox_file = hand_in(
        dataset,
        archive.archive_path(upload.sha256),
        service.where,
        tag=f"ventanilla_{stamp:%Y%m%dT%H%M%S}_{upload.id}",
        suffix=suffix,
    )
    flow_run_id, immediate_error = None, None
    if service.settings.prefect_api_url:
        try:
            flow_run_id = request_run(service.settings.prefect_api_url, dataset.slug)
        except ImmediateRunFailed as exc:
            immediate_error = str(exc)
    receipt = service.store.add_receipt(
        upload_id=upload.id,
        user_id=user.id,
        organismo=upload.organismo,
        dataset=upload.dataset,
        sha256=upload.sha256,
        inbox_name=inbox_file.name,
        flow_run_id=flow_run_id,
        sent_at=stamp,
    )
    if receipt is None:  # a second click won the race: take our copy back out of the inbox
        inbox_file.unlink(missing_ok=True)
        return redirect(f"/envios/{upload.id}")
    service.store.audit(
        "envio",
        actor=user.email,
        user_id=user.id,
        organismo=upload.organismo,
        dataset=upload.dataset,
        ip=client_ip(request),
        recibo=receipt_number(receipt),
        sha256=upload.sha256,
    )
    upcoming = status.next_runs(service.prefect_yaml, stamp)
    service.notifier.receipt(
        receipt,
        upload,
        user,
        catalog,
        next_run=upcoming.get(dataset.slug),
        immediate=flow_run_id is not None,
    )
    if immediate_error:
        return service.message(
            request,
            visitor,
            "Archivo enviado",
            SENT.format(number=receipt_number(receipt)) + " " + immediate_error,
            200,
            kind="advertencia",
            back=f"/envios/{upload.id}",
            back_label="Ver el recibo",
        )
    return redirect(f"/envios/{upload.id}#recibo")


def rows_csv(service: Ventanilla, request: Request, form) -> Response:
    _visitor, user = signed_in(service, request)
    upload = _own_upload(service, user, request.path_params["upload_id"])
    path = _upload_folder(service, upload.id) / checking.ROWS_FILE
    if not path.is_file():
        raise not_found()
    return FileResponse(
        path,
        media_type="text/csv; charset=utf-8",
        filename=f"filas-a-corregir-{upload.dataset}-{upload.id}.csv",
    )


def rows_xlsx(service: Ventanilla, request: Request, form) -> Response:
    _visitor, user = signed_in(service, request)
    upload = _own_upload(service, user, request.path_params["upload_id"])
    folder = _upload_folder(service, upload.id)
    if not (folder / checking.ROWS_FILE).is_file():
        raise not_found()
    return FileResponse(
        checking.rows_to_fix_xlsx(folder),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"filas-a-corregir-{upload.dataset}-{upload.id}.xlsx",
    )


def _date(value: str | None, end: bool = False) -> dt.datetime | None:
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(BAD_DATE.format(value=value[:20]))
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(BAD_DATE.format(value=value[:20])) from None
    if end:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=status.OFFICE_ZONE)


def history_page(service: Ventanilla, request: Request, form) -> Response:
    visitor, user = signed_in(service, request)
    catalog = service.catalog
    scope = service.organismos_of(user)
    query = request.query_params
    chosen = {
        "organismo": query.get("organismo", "") if scope is None else "",
        "dataset": query.get("conjunto", ""),
        "state": query.get("estado", ""),
        "since": query.get("desde", ""),
        "until": query.get("hasta", ""),
    }
    error = None
    try:
        since, until = _date(chosen["since"]), _date(chosen["until"], end=True)
    except ValueError as exc:
        error, since, until = str(exc), None, None
    uploads = service.store.uploads(
        UploadFilter(
            organismos=scope,
            organismo=chosen["organismo"] or None,
            dataset=chosen["dataset"] or None,
            since=since,
            until=until,
            limit=500,
        )
    )
    items = history.submissions(
        service.ledger.engine,
        uploads,
        service.store.receipts(u.id for u in uploads),
        local_portal_url=service.settings.local_portal_url,
    )
    if chosen["state"]:
        items = [i for i in items if i.state == chosen["state"]]
    visible = [d for d in catalog.datasets.values() if scope is None or d.organismo in scope]
    return service.render(
        request,
        visitor,
        "historial.html",
        title="Historial de envíos",
        items=items,
        chosen=chosen,
        error=error,
        show_organismo=scope is None,
        organismos=sorted(((s, o.name) for s, o in catalog.organismos.items()), key=lambda x: x[1]),
        organismo_names={s: o.name for s, o in catalog.organismos.items()},
        datasets=sorted(visible, key=lambda d: d.title),
        titles={slug: d.title for slug, d in catalog.datasets.items()},
        states=list(history.STATES.items()),
        notices=service.store.notices(
            organismos=scope, dataset=chosen["dataset"] or None, limit=50
        ),
    )


# --- the office's pages -------------------------------------------------------------------------


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
