"""The clerk's submissions: home, one submission (verdict, send, receipt), the rows to fix,
the history with its filters."""

from __future__ import annotations

import datetime as dt
import os
import re

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from datos_cali import archive
from datos_cali.ledger.ventanilla import Upload, User
from datos_cali.sources.inbox import hand_in
from datos_cali.ventanilla import checking, history, status
from datos_cali.ventanilla.immediate import ImmediateRunFailed, request_run
from datos_cali.ventanilla.notices import receipt_number
from datos_cali.ventanilla.security import client_ip
from datos_cali.ventanilla.service import (
    Ventanilla,
    not_found,
    redirect,
    signed_in,
    upload_folder,
)
from datos_cali.ventanilla.store import UploadFilter, now

ALREADY_SENT = "Este archivo ya se había enviado: su recibo es el n.º {number}."
NOT_PUBLISHABLE = "Este archivo no se puede enviar: tiene errores que impiden publicarlo."
SENT = "Archivo enviado. Su recibo es el n.º {number}; también se lo enviamos por correo."
BAD_DATE = "La fecha «{value}» no es válida; use el calendario o el formato aaaa-mm-dd."


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
    path = upload_folder(service, upload.id) / checking.ROWS_FILE
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
    folder = upload_folder(service, upload.id)
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
