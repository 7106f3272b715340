"""Accounts: who may sign in, with which role, and how passwords and one-time links are kept.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106's recommendation);
hashes made with older parameters are upgraded at the next sign-in. One-time links
(invitation, password reset) carry 32 random bytes; only their SHA-256 is stored. Failed
sign-ins are counted in the audit log: five for one address, or twenty from one IP address,
within 15 minutes lock further attempts for the rest of the window, whatever the password.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import EmailStr, TypeAdapter, ValidationError

from datos_cali.catalog import Catalog
from datos_cali.ledger.ventanilla import ROLES, User
from datos_cali.ventanilla.store import Store, now

HASHER = PasswordHasher()
MIN_PASSWORD = 12
LINK_TTL = {"invitacion": dt.timedelta(days=7), "restablecer": dt.timedelta(hours=2)}
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 20
FAILED = "acceso_fallido"

ROLE_NAMES = {"organismo": "organismo", "oficina": "oficina de transparencia", "auditor": "auditor"}
BAD_EMAIL = "«{email}» no es una dirección de correo válida."
BAD_ROLE = "El rol debe ser uno de: {roles}."
NEEDS_ORGANISMO = "Un usuario de organismo debe indicar su organismo (--organismo)."
NO_ORGANISMO_FOR_ROLE = "Solo los usuarios de organismo pertenecen a un organismo."
UNKNOWN_ORGANISMO = "El organismo «{slug}» no está en el catálogo (datasets/organismos.yaml)."
EMAIL_TAKEN = "Ya existe un usuario con el correo «{email}»."
EMPTY_NAME = "Indique el nombre de la persona."
SHORT_PASSWORD = f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres."
PASSWORD_IS_EMAIL = "La contraseña no puede ser su dirección de correo."
PASSWORDS_DIFFER = "Las dos contraseñas no coinciden."

_EMAIL = TypeAdapter(EmailStr)


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is for people (Spanish)."""


@dataclass(frozen=True)
class SignIn:
    user: User | None
    locked: bool = False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_password(password: str, email: str, repeated: str | None = None) -> None:
    if repeated is not None and password != repeated:
        raise AccountError(PASSWORDS_DIFFER)
    if len(password) < MIN_PASSWORD:
        raise AccountError(SHORT_PASSWORD)
    if password.strip().lower() == email.strip().lower():
        raise AccountError(PASSWORD_IS_EMAIL)


def create_user(
    store: Store,
    catalog: Catalog,
    *,
    email: str,
    name: str,
    role: str,
    organismo: str | None = None,
) -> User:
    """A new account without a password: it is set through the invitation link."""
    try:
        email = _EMAIL.validate_python(email.strip()).lower()
    except ValidationError:
        raise AccountError(BAD_EMAIL.format(email=email)) from None
    if not name.strip():
        raise AccountError(EMPTY_NAME)
    if role not in ROLES:
        raise AccountError(BAD_ROLE.format(roles=", ".join(ROLES)))
    if role == "organismo" and not organismo:
        raise AccountError(NEEDS_ORGANISMO)
    if role != "organismo" and organismo:
        raise AccountError(NO_ORGANISMO_FOR_ROLE)
    if organismo and organismo not in catalog.organismos:
        raise AccountError(UNKNOWN_ORGANISMO.format(slug=organismo))
    if store.user_by_email(email) is not None:
        raise AccountError(EMAIL_TAKEN.format(email=email))
    return store.add_user(email=email, name=name, role=role, organismo=organismo)


def set_password(store: Store, user: User, password: str, repeated: str | None = None) -> None:
    check_password(password, user.email, repeated)
    store.set_password(user.id, HASHER.hash(password))


def new_link(store: Store, user: User, purpose: str) -> str:
    """A fresh one-time link token for `user` (returned once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    store.add_link(user.id, purpose, token_hash(token), LINK_TTL[purpose])
    return token


def sign_in(store: Store, email: str, password: str, ip: str | None) -> SignIn:
    """The user when the password is right and no lock applies; every failure is audited."""
    email = email.strip().lower()
    since = now() - THROTTLE_WINDOW
    if store.count_actions(FAILED, since, actor=email) >= MAX_FAILURES_PER_EMAIL or (
        ip is not None and store.count_actions(FAILED, since, ip=ip) >= MAX_FAILURES_PER_IP
    ):
        store.audit("acceso_bloqueado", actor=email or "?", ip=ip)
        return SignIn(None, locked=True)
    user = store.user_by_email(email) if email else None
    if user is None or not user.active or not user.password_hash:
        HASHER.hash(password or "-")  # the same work either way: timing tells nothing
        store.audit(FAILED, actor=email or "?", ip=ip)
        return SignIn(None)
    try:
        HASHER.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        store.audit(FAILED, actor=email, user_id=user.id, ip=ip)
        return SignIn(None)
    if HASHER.check_needs_rehash(user.password_hash):
        store.set_password(user.id, HASHER.hash(password))
    store.audit("acceso", actor=email, user_id=user.id, organismo=user.organismo, ip=ip)
    return SignIn(user)
