"""The ventanilla's settings, from the environment (see the README's table), read once at start.

Nothing is silently assumed: without `DATOS_CALI_VENTANILLA_SECRET` a random key is generated
once and kept in `<state>/ventanilla/clave-secreta` (mode 0600), and the server says so; without
`DATOS_CALI_SMTP_URL` notices are kept and shown in the history but not e-mailed, and the server
and the status page say so.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from datos_cali.settings import paths

SECRET_ENV = "DATOS_CALI_VENTANILLA_SECRET"
URL_ENV = "DATOS_CALI_VENTANILLA_URL"
MAX_MB_ENV = "DATOS_CALI_VENTANILLA_MAX_MB"
SMTP_ENV = "DATOS_CALI_SMTP_URL"
PREFECT_ENV = "DATOS_CALI_PREFECT_API_URL"
LOCAL_PORTAL_ENV = "DATOS_CALI_LOCAL_PORTAL_URL"
NOTICES_EVERY_ENV = "DATOS_CALI_VENTANILLA_AVISOS_S"

DEFAULT_URL = "http://127.0.0.1:8080"
DEFAULT_MAX_MB = 600  # a 5-million-row CSV export weighs about 480 MB
SECRET_FILE = "clave-secreta"
BAD_NUMBER = "La variable {name} debe ser un número positivo, no «{value}»."
SHORT_SECRET = "La variable {name} debe tener al menos 32 caracteres."


@dataclass(frozen=True)
class Settings:
    secret: str
    secret_generated: bool  # kept in the state folder, not given by the environment
    base_url: str  # what e-mail links start with
    max_upload_bytes: int
    smtp_url: str | None
    prefect_api_url: str | None
    local_portal_url: str | None  # where the persistent local portal answers (`make serve`)
    notices_every_s: float
    state: Path

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def work(self) -> Path:
        """The ventanilla's own folder: uploads being received, lists of rows to fix."""
        return self.state / "ventanilla"


def _positive(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if value <= 0:
        raise ValueError(BAD_NUMBER.format(name=name, value=raw))
    return value


def _secret(folder: Path) -> tuple[str, bool]:
    configured = os.environ.get(SECRET_ENV, "").strip()
    if configured:
        if len(configured) < 32:
            raise ValueError(SHORT_SECRET.format(name=SECRET_ENV))
        return configured, False
    path = folder / SECRET_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip(), True


def load_settings() -> Settings:
    state = paths().state
    secret, generated = _secret(state / "ventanilla")
    return Settings(
        secret=secret,
        secret_generated=generated,
        base_url=(os.environ.get(URL_ENV, "").strip() or DEFAULT_URL).rstrip("/"),
        max_upload_bytes=int(_positive(MAX_MB_ENV, DEFAULT_MAX_MB) * 1024 * 1024),
        smtp_url=os.environ.get(SMTP_ENV, "").strip() or None,
        prefect_api_url=(os.environ.get(PREFECT_ENV, "").strip().rstrip("/") or None),
        local_portal_url=(os.environ.get(LOCAL_PORTAL_ENV, "").strip().rstrip("/") or None),
        notices_every_s=_positive(NOTICES_EVERY_ENV, 60),
        state=state,
    )
