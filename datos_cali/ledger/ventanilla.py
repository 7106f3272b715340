"""The ventanilla's tables: accounts, sessions, one-time links, uploads, receipts, notices and
the audit log, in the ledger's database (migration `0006`).

Uploads, receipts and the audit log are append-only like the run ledger (database triggers):
what a clerk sent, what the analysis said and who did what stay as they happened. Accounts,
sessions, one-time links and the delivery state of notices change by nature. Submissions point
at the raw archive by SHA-256; their fate (published, rejected…) is read from the `runs` rows
with the same SHA-256, never copied here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from datos_cali.ledger.models import Base, JSONType, UTCDateTime

ROLES = ("organismo", "oficina", "auditor")
TOKEN_PURPOSES = ("invitacion", "restablecer")
NOTICE_STATES = ("pendiente", "enviado", "fallido", "sin_correo")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class User(Base):
    """A person who signs in: an organismo's clerk, the office, or an auditor (read-only)."""

    __tablename__ = "ventanilla_users"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role"),
        CheckConstraint("role != 'organismo' OR organismo IS NOT NULL", name="organismo"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    organismo: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(Text)  # None until the invitation is used
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "ventanilla_sessions"
    __table_args__ = (Index(None, "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ventanilla_users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))  # the session's form token
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OneTimeLink(Base):
    """An invitation or a password reset sent by e-mail; usable once, before it expires."""

    __tablename__ = "ventanilla_links"
    __table_args__ = (
        CheckConstraint(_one_of("purpose", TOKEN_PURPOSES), name="purpose"),
        Index(None, "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ventanilla_users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Upload(Base):
    """A file a clerk uploaded and what the pre-check said about it (findings already masked)."""

    __tablename__ = "ventanilla_uploads"
    __table_args__ = (
        Index(None, "organismo", "uploaded_at"),
        Index(None, "dataset", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ventanilla_users.id"))
    organismo: Mapped[str] = mapped_column(String(200))
    dataset: Mapped[str] = mapped_column(String(200))
    recognised: Mapped[bool] = mapped_column(Boolean, default=False)  # chosen from the headers
    file_name: Mapped[str] = mapped_column(Text)  # as sent (checked, never a path)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int | None]
    columns: Mapped[int | None]
    publishable: Mapped[bool] = mapped_column(Boolean)
    errors_count: Mapped[int] = mapped_column(default=0)
    warnings_count: Mapped[int] = mapped_column(default=0)
    rows_to_fix: Mapped[int] = mapped_column(BigInteger, default=0)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    headers: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[float] = mapped_column(Double)  # DOUBLE on SQLAlchemy 2.0 and 2.1 alike


class Receipt(Base):
    """An upload sent to the pipeline: it was handed to the dataset's inbox under `inbox_name`."""

    __tablename__ = "ventanilla_receipts"
    __table_args__ = (Index(None, "organismo", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("ventanilla_uploads.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ventanilla_users.id"))
    organismo: Mapped[str] = mapped_column(String(200))
    dataset: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    inbox_name: Mapped[str] = mapped_column(Text)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))  # an immediate run, if asked
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notice(Base):
    """An e-mail the ventanilla sent (or tried to): the same text is shown in the history.

    `key` makes each notice happen once (one per receipt, per run, per overdue period…).
    """

    __tablename__ = "ventanilla_notices"
    __table_args__ = (
        CheckConstraint(_one_of("status", NOTICE_STATES), name="status"),
        Index(None, "organismo", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    organismo: Mapped[str | None] = mapped_column(String(200))
    dataset: Mapped[str | None] = mapped_column(String(200))
    recipients: Mapped[list[str]] = mapped_column(JSONType, default=list)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(
        Text
    )  # plain text, as sent (links to one-time pages left out)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what, when, from where: sign-ins (and failed ones), uploads, sends, accounts."""

    __tablename__ = "ventanilla_audit"
    __table_args__ = (Index(None, "at"), Index(None, "actor", "action", "at"), Index(None, "ip"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(320))  # an e-mail (lower-case) or «sistema»
    user_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(64))
    organismo: Mapped[str | None] = mapped_column(String(200))
    dataset: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
