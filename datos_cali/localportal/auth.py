"""Credentials of the local portal and the HTTP Basic check Socrata writes need.

Defaults are generated once and kept in the portal's SQLite file, so a portal restarted on the
same data folder accepts the same app token and API key. They are fake, local secrets, yet they
are treated as secrets all the same: `repr` hides them and the request log never records them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass, field, replace

from datos_cali.localportal import ids
from datos_cali.localportal.routing import HttpError, Request
from datos_cali.localportal.store import Store

LOGIN_REQUIRED = "You must be logged in to perform this action"
WRONG_CREDENTIALS = "Invalid username or password (or API key id and secret)"
NOT_ALLOWED = "You do not have permission to access view {id}"


@dataclass(frozen=True)
class Credentials:
    """App token (`X-App-Token`) and the API key id/secret used as Basic auth user/password.

    `ckan_token` is the API token the CKAN side of the portal accepts in the
    `Authorization` header; the portal always fills it in.
    """

    app_token: str = field(repr=False)
    key_id: str
    key_secret: str = field(repr=False)
    ckan_token: str = field(default="", repr=False)

    @classmethod
    def stored(cls, store: Store) -> Credentials:
        return cls(
            app_token=store.set_meta_default("credentials.app_token", ids.secret(25)),
            key_id=store.set_meta_default("credentials.key_id", ids.secret(25)),
            key_secret=store.set_meta_default("credentials.key_secret", ids.secret(50)),
            ckan_token=store.set_meta_default("credentials.ckan_token", ids.secret(40)),
        )

    @classmethod
    def for_portal(cls, store: Store, given: Credentials | None) -> Credentials:
        """The given credentials (with the stored CKAN token if they lack one), else the stored."""
        stored = cls.stored(store)
        if given is None:
            return stored
        return given if given.ckan_token else replace(given, ckan_token=stored.ckan_token)


def _basic_pair(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = (
            base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        )
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def authenticated(request: Request, credentials: Credentials) -> bool:
    """False without credentials, True with the right ones; wrong ones answer 403 at once."""
    header = request.headers.get("Authorization")
    if not header:
        return False
    pair = _basic_pair(header)
    valid = pair is not None and (
        hmac.compare_digest(pair[0].encode(), credentials.key_id.encode())
        & hmac.compare_digest(pair[1].encode(), credentials.key_secret.encode())
    )
    if not valid:
        raise HttpError(403, "permission_denied", WRONG_CREDENTIALS)
    request.note.authenticated = True
    return True


def require_login(request: Request, credentials: Credentials) -> None:
    """Writes: 401 without credentials, 403 with wrong ones."""
    if not authenticated(request, credentials):
        raise HttpError(
            401,
            "authentication_required",
            LOGIN_REQUIRED,
            headers={"WWW-Authenticate": 'Basic realm="datos-cali local portal"'},
        )


def forbidden(view_id: str) -> HttpError:
    return HttpError(403, "permission_denied", NOT_ALLOWED.format(id=view_id), {"id": view_id})
