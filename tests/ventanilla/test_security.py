"""Item 7 of the issue, point by point: organismos kept apart (URL guessing too), CSRF on every
POST, hostile uploads refused with a message, strict headers, no paths or tracebacks in any
page, no secrets in pages or logs."""

from __future__ import annotations

import logging
import re

import pytest

from datos_cali.settings import paths
from datos_cali.ventanilla import checking
from datos_cali.ventanilla.app import create_app
from datos_cali.ventanilla.service import build
from datos_cali.ventanilla.store import UploadFilter
from tests.ventanilla.conftest import (
    IMAE,
    PASSWORD,
    VACUNACION,
    Client,
    Running,
    start_server,
    upload_id,
)

SALUD, PLANEACION = "ana@salud.gov.co", "luis@planeacion.gov.co"


@pytest.fixture
def two_organismos(ventanilla):
    ventanilla.user(SALUD)
    ventanilla.user(PLANEACION, organismo="planeacion")
    salud = ventanilla.client(SALUD)
    number = upload_id(salud.upload(VACUNACION.read_bytes(), VACUNACION.name, "vacunacion-covid19"))
    return ventanilla, salud, ventanilla.client(PLANEACION), number


# --- one organismo cannot reach another's ---------------------------------------------------


def test_an_organismo_cannot_read_another_organismos_submissions_by_guessing(two_organismos):
    _ventanilla, salud, planeacion, number = two_organismos
    for path in (
        f"/envios/{number}",
        f"/envios/{number}/filas.csv",
        f"/envios/{number}/filas.xlsx",
    ):
        assert salud.get(path).status_code == 200, path
        stranger = planeacion.get(path)
        assert stranger.status_code == 404, path  # exactly like a page that does not exist
        assert VACUNACION.name not in stranger.text and "vacunacion" not in stranger.text
    assert planeacion.get("/envios/999999").status_code == 404
    history = planeacion.get("/historial?organismo=salud")  # a filter cannot widen the scope
    assert VACUNACION.name not in history.text
    home = planeacion.get("/inicio").text
    assert (
        "Vacunación contra COVID-19" not in home
        and "Indicador mensual de actividad económica" in home
    )


def test_an_organismo_cannot_send_another_organismos_files_or_datasets(two_organismos):
    ventanilla, _salud, planeacion, number = two_organismos
    token = planeacion.csrf("/inicio")
    assert planeacion.post(f"/envios/{number}/enviar", data={"csrf": token}).status_code == 404
    assert ventanilla.store.receipt(number) is None
    assert not (paths().inbox / "salud").exists()

    refused = planeacion.upload(VACUNACION.read_bytes(), VACUNACION.name, "vacunacion-covid19")
    assert refused.status_code == 404 and "No puede enviar archivos de ese conjunto" in refused.text
    assert "Vacunación contra COVID-19 en Cali" not in planeacion.get("/enviar").text
    # headers of another organismo's dataset are not recognised as one of its own
    guessed = planeacion.upload(VACUNACION.read_bytes(), "datos.csv")
    assert guessed.status_code == 422


def test_office_pages_are_not_for_organismos_and_auditors_only_read(ventanilla):
    ventanilla.user(SALUD)
    ventanilla.user("auditora@control.gov.co", role="auditor")
    clerk, auditor = ventanilla.client(SALUD), ventanilla.client("auditora@control.gov.co")
    for path in ("/estado", "/usuarios", "/auditoria"):
        assert clerk.get(path).status_code == 404, path
    assert auditor.get("/estado").status_code == 200
    assert auditor.get("/usuarios").status_code == 404
    assert auditor.get("/enviar").status_code == 404
    refused = auditor.upload(IMAE.read_bytes(), IMAE.name, "indice-mensual-actividad-economica")
    assert refused.status_code == 404 and ventanilla.store.uploads(_all()) == []


def test_pages_need_a_session(ventanilla):
    anonymous = Client(ventanilla.url)
    for path in ("/inicio", "/enviar", "/historial", "/estado", "/envios/1", "/envios/1/filas.csv"):
        answer = anonymous.get(path, allow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/entrar"), path


# --- CSRF -------------------------------------------------------------------------------------


def test_every_post_without_a_valid_csrf_token_is_refused(two_organismos):
    ventanilla, salud, _, number = two_organismos
    ventanilla.user("jefe@cali.gov.co", role="oficina")
    office = ventanilla.client("jefe@cali.gov.co")
    target = ventanilla.store.user_by_email(PLANEACION)
    forms = {
        "/salir": {},
        f"/envios/{number}/enviar": {},
        "/usuarios": {"correo": "nuevo@cali.gov.co", "nombre": "Nuevo", "rol": "auditor"},
        f"/usuarios/{target.id}/desactivar": {},
        f"/usuarios/{target.id}/enlace": {},
    }
    for path, data in forms.items():
        client = office if path.startswith("/usuarios") else salud
        real = client.csrf("/inicio")
        altered = real[:-1] + ("0" if real[-1] != "0" else "1")  # one character off
        for token in (None, "", "x" * 64, altered):
            fields = dict(data) if token is None else {**data, "csrf": token}
            answer = client.post(path, data=fields, allow_redirects=False)
            assert answer.status_code == 403, (path, token)
            assert "El formulario venció o no vino de esta ventanilla" in answer.text
    assert ventanilla.store.receipt(number) is None
    assert ventanilla.store.user_by_email("nuevo@cali.gov.co") is None
    assert ventanilla.store.user(target.id).active
    assert salud.get("/inicio").status_code == 200  # still signed in: /salir did nothing
    # an upload without the token: nothing is received, nothing archived
    before = len(ventanilla.store.uploads(_all()))
    answer = salud.post(
        "/enviar",
        data={"conjunto": "vacunacion-covid19"},
        files={"archivo": (VACUNACION.name, VACUNACION.read_bytes())},
    )
    assert answer.status_code == 403
    assert len(ventanilla.store.uploads(_all())) == before
    # another session's token is not this session's
    other = ventanilla.client(PLANEACION)
    stolen = other.csrf("/inicio")
    assert salud.post("/salir", data={"csrf": stolen}).status_code == 403
    # the sign-in form too (no pre-session cookie, or a forged token)
    fresh = Client(ventanilla.url)
    answer = fresh.post("/entrar", data={"correo": SALUD, "clave": PASSWORD, "csrf": "x" * 64})
    assert answer.status_code == 403


def test_a_post_from_another_site_is_refused_even_with_the_token(two_organismos):
    ventanilla, salud, _, number = two_organismos
    token = salud.csrf(f"/envios/{number}")
    for headers in ({"Origin": "https://atacante.example"}, {"Sec-Fetch-Site": "cross-site"}):
        answer = salud.post(f"/envios/{number}/enviar", data={"csrf": token}, headers=headers)
        assert answer.status_code == 403
    assert ventanilla.store.receipt(number) is None


def _all():
    return UploadFilter(limit=10_000)


# --- hostile uploads --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../etc/passwd.csv", "incluye una ruta de carpetas"),
        ("carpeta\\tabla.csv", "incluye una ruta de carpetas"),
        (".htaccess.csv", "empieza por un punto"),
        ("tabla\x07.csv", "caracteres de control"),
        ("programa.exe", "Solo se reciben tablas"),
        ("tabla.csv.php", "Solo se reciben tablas"),
        ("x" * 200 + ".csv", "tiene más de 180 caracteres"),
    ],
)
def test_dangerous_names_are_refused_with_a_message(ventanilla, name, message):
    ventanilla.user(SALUD)
    answer = ventanilla.client(SALUD).upload(VACUNACION.read_bytes(), name, "vacunacion-covid19")
    assert answer.status_code == 400 and message in answer.text
    assert ventanilla.store.uploads(_all()) == []
    assert not list((paths().archive / "sha256").rglob("*.origins.jsonl"))  # nothing kept


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(2000), "tabla.csv", "imagen PNG"),
        (b"%PDF-1.7\n" + bytes(2000), "informe.csv", "PDF"),
        (b"MZ\x90\x00" + bytes(2000), "tabla.xlsx", "programa ejecutable"),
        (b"PK\x03\x04" + bytes(2000), "tabla.csv", "comprimido ZIP"),
        (b"a;b\n\x00\x01\x02\x00" * 100, "tabla.csv", "bytes nulos"),
        (b"", "vacio.csv", "vacío"),
    ],
)
def test_what_is_not_a_table_is_refused_with_a_message(ventanilla, data, name, message):
    ventanilla.user(SALUD)
    answer = ventanilla.client(SALUD).upload(data, name, "vacunacion-covid19")
    assert answer.status_code == 400 and message in answer.text
    assert "no es una tabla" in answer.text or "vacío" in answer.text
    assert ventanilla.store.uploads(_all()) == []


def test_an_upload_over_the_size_limit_is_refused_while_it_streams(
    ventanilla_env, monkeypatch, tmp_path
):
    monkeypatch.setenv("DATOS_CALI_VENTANILLA_MAX_MB", "1")
    service = build()
    server, thread = start_server(create_app(service, notices=False), ventanilla_env)
    try:
        running = Running(f"http://127.0.0.1:{ventanilla_env}", service, ventanilla_env)
        running.user(SALUD)
        clerk = running.client(SALUD)
        big = VACUNACION.read_bytes()  # 3.6 MB > 1 MB
        answer = clerk.upload(big, VACUNACION.name, "vacunacion-covid19")
        assert answer.status_code == 413 and "supera el tamaño máximo de 1 MB" in answer.text
        # without a declared length (chunked): refused as soon as it grows past the limit
        token = clerk.csrf("/enviar")
        boundary = "limite"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="conjunto"\r\n\r\nvacunacion-covid19\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="archivo"; filename="v.csv"\r\n\r\n'
        ).encode()

        def body():
            yield head
            for start in range(0, len(big), 256 * 1024):
                yield big[start : start + 256 * 1024]
            yield f"\r\n--{boundary}--\r\n".encode()

        chunked = clerk.post(
            "/enviar",
            data=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert chunked.status_code == 413 and "supera el tamaño máximo" in chunked.text
        assert service.store.uploads(_all()) == []
        assert list((service.settings.work / "entrantes").iterdir()) == []  # nothing left behind
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# --- headers, errors, secrets -------------------------------------------------------------------

EXPECTED_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def test_every_answer_carries_strict_security_headers(two_organismos):
    ventanilla, salud, _, number = two_organismos
    answers = [
        Client(ventanilla.url).get("/entrar"),
        salud.get("/inicio"),
        salud.get(f"/envios/{number}"),
        salud.get(f"/envios/{number}/filas.csv"),
        salud.get("/estatico/ventanilla.css"),
        salud.get("/no-existe"),
        salud.post("/salir", data={}),  # refused: 403
    ]
    for answer in answers:
        for name, value in EXPECTED_HEADERS.items():
            assert answer.headers.get(name, "").startswith(value), (answer.url, name)
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "unsafe-inline" not in answer.headers["content-security-policy"]
        assert "server" not in answer.headers
    cookie = Client(ventanilla.url).get("/entrar").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    signed_in = ventanilla.client()
    token = signed_in.csrf("/entrar")
    answer = signed_in.post(
        "/entrar", data={"csrf": token, "correo": SALUD, "clave": PASSWORD}, allow_redirects=False
    )
    session_cookie = answer.headers["set-cookie"]
    assert "ventanilla_sesion=" in session_cookie and "HttpOnly" in session_cookie
    assert "SameSite=lax" in session_cookie
    pages = [a for a in answers if a.headers.get("content-type", "").startswith("text/html")]
    for page in pages:
        assert (
            "<script>" not in page.text
            and " style=" not in page.text
            and "onclick" not in page.text
        )


def test_no_page_shows_a_server_path_or_a_traceback(two_organismos, monkeypatch):
    _ventanilla, salud, _, number = two_organismos
    state = str(paths().state)

    def explode(*args, **kwargs):
        raise RuntimeError(f"fallo en {state}/archive/secreto.csv")

    monkeypatch.setattr(checking, "analyse_upload", explode)
    broken = salud.upload(VACUNACION.read_bytes(), VACUNACION.name, "vacunacion-covid19")
    assert broken.status_code == 500 and "Ocurrió un error inesperado" in broken.text
    pages = [
        broken,
        salud.get("/no-existe"),
        salud.get(f"/envios/{number}"),
        salud.get("/historial"),
    ]
    pages.append(salud.get("/envios/abc"))
    pages.append(salud.post("/inicio", data={}))  # 405
    for page in pages:
        assert state not in page.text and "/archive/" not in page.text and "/tmp" not in page.text
        assert "Traceback" not in page.text and "RuntimeError" not in page.text
        assert 'File "' not in page.text


def test_secrets_are_never_in_pages_or_logs(ventanilla, smtp, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    ventanilla.user("jefe@cali.gov.co", role="oficina")
    office = ventanilla.client("jefe@cali.gov.co")
    token = office.csrf("/usuarios")
    office.post(
        "/usuarios",
        data={
            "csrf": token,
            "correo": "nuevo@salud.gov.co",
            "nombre": "Nuevo",
            "rol": "organismo",
            "organismo": "salud",
        },
    )
    [invitation] = smtp.wait_for(1)
    link = re.search(r"http://\S+/enlace/(\S+)", invitation.get_body(("plain",)).get_content())
    one_time = link.group(1)
    chosen = "mi contraseña nueva y larga"
    newcomer = Client(ventanilla.url)
    form = newcomer.get(f"/enlace/{one_time}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    done = newcomer.post(
        f"/enlace/{one_time}", data={"csrf": csrf, "clave": chosen, "repetida": chosen}
    )
    assert done.url.endswith("/inicio")
    assert newcomer.get(f"/enlace/{one_time}").status_code == 404  # used once, never again
    session_cookie = newcomer.http.cookies["ventanilla_sesion"]

    secrets = [
        ventanilla.service.settings.secret,
        PASSWORD,
        chosen,
        one_time,
        session_cookie,
    ]
    pages = [
        office.get(p).text for p in ("/inicio", "/historial", "/estado", "/usuarios", "/auditoria")
    ]
    # the server's own logs (the test's SMTP server and HTTP client log what they carry)
    ours = [r for r in caplog.records if r.name.startswith(("datos_cali", "uvicorn"))]
    assert ours, "the access log wrote nothing"
    logs = "\n".join(r.getMessage() for r in ours)
    log_file = paths().state / "logs" / "ventanilla.log"
    if log_file.exists():
        logs += log_file.read_text(encoding="utf-8")
    with ventanilla.service.ledger.engine.connect() as connection:
        database = "\n".join(
            str(row)
            for table in (
                "ventanilla_notices",
                "ventanilla_audit",
                "ventanilla_users",
                "ventanilla_links",
            )
            for row in connection.exec_driver_sql(f"SELECT * FROM {table}")
        )
    for secret in secrets:
        for where, text in (("pages", "\n".join(pages)), ("logs", logs), ("database", database)):
            assert secret not in text, (where, secret[:6])
    assert "/enlace/[oculto]" in logs  # the access log hides one-time tokens
