"""A real ventanilla per test: uvicorn on loopback, the SQLite ledger in the test's state
folder, the repository's catalog, and a real SMTP server (aiosmtpd) that keeps what it gets.

The server runs in a thread of the test process, so a test can also look at the database and
the files it wrote. The notice loop is off: tests call `dispatch` when they mean it.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
import requests
import uvicorn
from aiosmtpd.controller import Controller

from datos_cali.catalog import load_catalog
from datos_cali.settings import paths
from datos_cali.ventanilla import accounts
from datos_cali.ventanilla.app import create_app
from datos_cali.ventanilla.server import OPTIONS
from datos_cali.ventanilla.service import Ventanilla, build

ROOT = Path(__file__).resolve().parents[2]
VACUNACION = ROOT / "demo" / "vacunacion-covid19" / "vacunacion_covid19_cali.csv"
IMAE = ROOT / "demo" / "indice-mensual-actividad-economica" / "IMAE_Cali.csv"
PASSWORD = "una frase bastante larga"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- a real SMTP server ---------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the loopback SMTP server received, parsed."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def about(self, words: str) -> list[EmailMessage]:
        return [m for m in self.messages if words in m["Subject"]]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def smtp():
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


# --- a real ventanilla ------------------------------------------------------------------------


@dataclass
class Running:
    url: str
    service: Ventanilla
    port: int

    @property
    def store(self):
        return self.service.store

    def user(self, email: str, role: str = "organismo", organismo: str | None = "salud", name=None):
        """An account with the test password, ready to sign in."""
        user = accounts.create_user(
            self.store,
            load_catalog(paths().catalog),
            email=email,
            name=name or email.split("@")[0].replace(".", " ").title(),
            role=role,
            organismo=organismo if role == "organismo" else None,
        )
        accounts.set_password(self.store, user, PASSWORD)
        return self.store.user(user.id)

    def client(self, email: str | None = None) -> Client:
        client = Client(self.url)
        if email:
            client.sign_in(email)
        return client


class Client:
    """A browser without a browser: a requests session that keeps cookies and fills forms."""

    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.url + path, timeout=60, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.http.post(self.url + path, timeout=120, **kwargs)

    def csrf(self, path: str = "/inicio") -> str:
        return CSRF.search(self.get(path).text).group(1)

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        token = self.csrf("/entrar")
        answer = self.post(
            "/entrar", data={"csrf": token, "correo": email, "clave": password, "siguiente": ""}
        )
        return answer

    def upload(self, data: bytes, name: str, dataset: str = "", **extra) -> requests.Response:
        token = self.csrf("/enviar")
        return self.post(
            "/enviar",
            data={"csrf": token, "conjunto": dataset, **extra},
            files={"archivo": (name, data, "application/octet-stream")},
        )

    def send(self, upload_id: int) -> requests.Response:
        token = self.csrf(f"/envios/{upload_id}")
        return self.post(f"/envios/{upload_id}/enviar", data={"csrf": token})


def upload_id(response: requests.Response) -> int:
    match = re.search(r"/envios/(\d+)", response.url)
    assert match, (response.status_code, response.url, response.text[:2000])
    return int(match.group(1))


def start_server(app, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, **OPTIONS)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the ventanilla did not start")
        time.sleep(0.02)
    return server, thread


@pytest.fixture
def ventanilla_env(monkeypatch, smtp):
    port = free_port()
    monkeypatch.setenv(
        "DATOS_CALI_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}?from=datos@cali.gov.co"
    )
    monkeypatch.setenv("DATOS_CALI_VENTANILLA_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("DATOS_CALI_VENTANILLA_SECRET", "s" * 20 + "ecreto-de-la-prueba-0123456789")
    monkeypatch.delenv("DATOS_CALI_PREFECT_API_URL", raising=False)
    monkeypatch.delenv("DATOS_CALI_LOCAL_PORTAL_URL", raising=False)
    return port


@pytest.fixture
def ventanilla(ventanilla_env):
    service = build()
    server, thread = start_server(create_app(service, notices=False), ventanilla_env)
    yield Running(f"http://127.0.0.1:{ventanilla_env}", service, ventanilla_env)
    server.should_exit = True
    thread.join(timeout=30)
