"""Receiving a file: the upload form, the streamed upload, recognising its dataset, the
pre-check (at most one per core at once) and its record."""

from __future__ import annotations

import os
import uuid
from functools import partial

import anyio
from starlette.requests import Request
from starlette.responses import Response

from datos_cali.contracts import load_contract
from datos_cali.findings import Severity
from datos_cali.ledger.ventanilla import User
from datos_cali.ventanilla import checking
from datos_cali.ventanilla.security import client_ip
from datos_cali.ventanilla.service import (
    SignInFirst,
    Ventanilla,
    not_found,
    redirect,
    signed_in,
    upload_folder,
    work_folder,
)
from datos_cali.ventanilla.store import now
from datos_cali.ventanilla.uploads import UploadRefused, receive_upload, size_words

NOT_YOURS = "No puede enviar archivos de ese conjunto de datos."
NOT_RECOGNISED = (
    "No reconocimos a qué conjunto pertenece «{name}»: sus encabezados no coinciden con "
    "ninguno de sus conjuntos. Elija el conjunto en la lista y vuelva a enviarlo."
)
AMBIGUOUS = (
    "Los encabezados de «{name}» corresponden a varios conjuntos ({titles}). Elija el conjunto "
    "en la lista y vuelva a enviarlo."
)
FINDING_ORDER = {Severity.BLOCK: 0, Severity.WARN: 1, Severity.INFO: 2}


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
    os.replace(scratch, upload_folder(service, upload.id))
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
