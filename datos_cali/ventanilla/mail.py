"""E-mail through the SMTP server named by `DATOS_CALI_SMTP_URL`.

    smtp://host:25                               plain SMTP (a relay inside the city's network)
    smtp://user:password@host:587?starttls=1     STARTTLS, then AUTH
    smtps://user:password@host:465               TLS from the start
    …?from=datos.abiertos@cali.gov.co            the sender (default: ventanilla@<host>)

Passwords in the URL are percent-encoded; they are never logged or shown (`display`).
Every message is multipart/alternative: plain text first, then the same text as HTML.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

SENDER_NAME = "Ventanilla de datos abiertos de Cali"
BAD_URL = (
    "DATOS_CALI_SMTP_URL no es válida: use smtp://servidor:puerto o "
    "smtps://usuario:clave@servidor:465 (se recibió el esquema «{scheme}»)."
)
NO_HOST = "DATOS_CALI_SMTP_URL no dice a qué servidor conectarse."
_TRUE = {"1", "true", "si", "sí", "yes"}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    user: str | None
    password: str | None
    tls: bool  # TLS from the first byte (smtps://)
    starttls: bool
    sender: str


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(BAD_URL.format(scheme=parts.scheme or "—"))
    if not parts.hostname:
        raise ValueError(NO_HOST)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    tls = parts.scheme == "smtps"
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=tls,
        starttls=query.get("starttls", "").lower() in _TRUE,
        sender=query.get("from") or f"ventanilla@{parts.hostname}",
    )


def display(url: str | None) -> str:
    """The URL without its password (for the server's start-up lines and the status page)."""
    if not url:
        return "—"
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    user = f"{unquote(parts.username)}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}"


def message(server: SmtpServer, recipients: list[str], subject: str, text: str, html: str):
    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = formataddr((SENDER_NAME, server.sender))
    mail["To"] = ", ".join(recipients)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=server.sender.rsplit("@", 1)[-1])
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    mail["Content-Language"] = "es"  # after the body: set_content drops Content-* headers
    return mail


def send(server: SmtpServer, mail: EmailMessage, timeout: float = 30) -> None:
    """Deliver one message; raises `smtplib.SMTPException` or `OSError` when it cannot."""
    context = ssl.create_default_context()
    if server.tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
    with client:
        if server.starttls:
            client.starttls(context=context)
        if server.user:
            client.login(server.user, server.password or "")
        client.send_message(mail)
