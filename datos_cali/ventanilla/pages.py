"""The ventanilla's pages.

Every page but the upload runs in a worker thread (the database, the hand-off and SMTP
block); the upload is async because its body is streamed. Every POST checks its CSRF token
first. Whatever belongs to another organismo answers 404, exactly like what does not exist,
so guessing URLs tells nothing.
"""

from __future__ import annotations

from functools import partial

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from datos_cali.ventanilla.office import audit_page, status_page, user_action, users
from datos_cali.ventanilla.receiving import receive, upload_form
from datos_cali.ventanilla.service import Ventanilla
from datos_cali.ventanilla.signin import forgot, one_time_link, root, sign_in, sign_out
from datos_cali.ventanilla.submissions import (
    history_page,
    home,
    rows_csv,
    rows_xlsx,
    send,
    submission,
)


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
