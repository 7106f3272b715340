"""Session cookies, CSRF tokens, security headers and an access log that keeps secrets out.

- The session cookie holds a random 32-byte token signed with itsdangerous; the database keeps
  only the token's SHA-256, with the user and an expiry (8 hours). HttpOnly, SameSite=Lax,
  Secure when the ventanilla is served over HTTPS. Signing out deletes the row.
- CSRF: synchronizer tokens. A signed-in form carries its session's random token; the forms
  before signing in (sign-in, forgotten password, one-time link) carry an HMAC of a signed
  pre-session cookie. Double-submit libraries (asgi-csrf and the like) do not bind the token
  to the session, which lets a sibling sub-domain plant one; these are bound. Every POST is
  also refused when the browser says it comes from another site (`Sec-Fetch-Site`, `Origin`).
- Headers on every answer: a strict Content-Security-Policy (no inline script or style,
  `frame-ancestors 'none'`), nosniff, no referrer outside the site, no caching of pages.
- The access log writes method, path, status and time; one-time link tokens in paths are
  replaced before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

from datos_cali.ledger.ventanilla import User
from datos_cali.ventanilla.config import Settings
from datos_cali.ventanilla.store import Store

SESSION_COOKIE = "ventanilla_sesion"
PRE_COOKIE = "ventanilla_pre"
SESSION_TTL = dt.timedelta(hours=8)
CSRF_FIELD = "csrf"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=(), payment=()",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
}
SECRET_PATHS = re.compile(r"(/enlace/)[^/?#]+")

access_log = logging.getLogger("datos_cali.ventanilla.acceso")


class CsrfRefused(Exception):
    """A POST without a valid token, or sent from another site."""


@dataclass
class Visitor:
    """Who is asking: the signed-in user (or None) and the token their forms must carry."""

    user: User | None
    csrf: str
    session_hash: str | None = None
    new_pre: str | None = None  # a pre-session cookie to set on the answer


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class Guard:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._signer = URLSafeSerializer(settings.secret, salt="ventanilla-sesion")
        self._pre_signer = URLSafeSerializer(settings.secret, salt="ventanilla-pre")

    # --- who is asking ------------------------------------------------------------------------

    def visitor(self, request: Request) -> Visitor:
        token = self._unsign(self._signer, request.cookies.get(SESSION_COOKIE))
        if token:
            found = self.store.session(_sha256(token))
            if found is not None:
                session, user = found
                return Visitor(user=user, csrf=session.csrf, session_hash=session.token_hash)
        pre = self._unsign(self._pre_signer, request.cookies.get(PRE_COOKIE))
        new_pre = None
        if not pre:
            pre = new_pre = secrets.token_urlsafe(32)
        return Visitor(user=None, csrf=self._pre_token(pre), new_pre=new_pre)

    def _pre_token(self, pre: str) -> str:
        key = self.settings.secret.encode("utf-8")
        return hmac.new(key, b"csrf:" + pre.encode("utf-8"), hashlib.sha256).hexdigest()

    @staticmethod
    def _unsign(signer: URLSafeSerializer, value: str | None) -> str | None:
        if not value:
            return None
        try:
            token = signer.loads(value)
        except BadSignature:
            return None
        return token if isinstance(token, str) else None

    # --- forms --------------------------------------------------------------------------------

    def check_csrf(self, request: Request, visitor: Visitor, submitted: str | None) -> None:
        if request.headers.get("sec-fetch-site") == "cross-site":
            raise CsrfRefused
        origin = request.headers.get("origin")
        if origin and origin != "null" and origin != _origin_of(request):
            raise CsrfRefused
        if visitor.new_pre is not None:  # no pre-session cookie came: nothing to compare
            raise CsrfRefused
        if not submitted or not hmac.compare_digest(submitted, visitor.csrf):
            raise CsrfRefused

    # --- cookies ------------------------------------------------------------------------------

    def start_session(self, response: Response, user: User) -> None:
        token = secrets.token_urlsafe(32)
        self.store.add_session(user.id, _sha256(token), secrets.token_urlsafe(32), SESSION_TTL)
        response.set_cookie(
            SESSION_COOKIE,
            self._signer.dumps(token),
            max_age=int(SESSION_TTL.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=self.settings.secure_cookies,
            path="/",
        )

    def end_session(self, response: Response, visitor: Visitor) -> None:
        if visitor.session_hash:
            self.store.end_session(visitor.session_hash)
        response.delete_cookie(
            SESSION_COOKIE, httponly=True, samesite="lax", secure=self.settings.secure_cookies
        )

    def finish(self, response: Response, visitor: Visitor) -> Response:
        if visitor.new_pre is not None:
            response.set_cookie(
                PRE_COOKIE,
                self._pre_signer.dumps(visitor.new_pre),
                max_age=int(SESSION_TTL.total_seconds()),
                httponly=True,
                samesite="lax",
                secure=self.settings.secure_cookies,
                path="/",
            )
        return response


def _origin_of(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


class SecureHeaders:
    """ASGI middleware: security headers on every answer, pages never cached; the access log."""

    def __init__(self, app, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}
        static = scope["path"].startswith("/estatico/")

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in HEADERS.items() if k not in present]
                if b"cache-control" not in present:
                    cache = b"public, max-age=3600" if static else b"no-store"
                    headers.append((b"cache-control", cache))
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette re-raises an unexpected error after its handler has answered with the
            # Spanish error page (and logged it); letting it reach uvicorn would only cut the
            # browser's keep-alive connection. Before an answer was sent, it is a real failure.
            if not status["code"]:
                raise
        finally:
            access_log.info(
                "%s %s %s %.0f ms",
                scope["method"],
                SECRET_PATHS.sub(r"\1[oculto]", scope["path"]),
                status["code"],
                (time.perf_counter() - started) * 1000,
            )
