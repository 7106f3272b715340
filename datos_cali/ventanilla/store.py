"""The ventanilla's tables, one short transaction per question (SQLite or PostgreSQL alike).

Records come back detached. Writes take SQLite's write lock up front (`write_transaction`),
like the run ledger's, so concurrent requests queue instead of failing halfway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from datos_cali.ledger.engine import write_transaction
from datos_cali.ledger.ventanilla import (
    AuditEntry,
    Notice,
    OneTimeLink,
    Receipt,
    Upload,
    User,
    WebSession,
)

SYSTEM = "sistema"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class UploadFilter:
    """What the history is narrowed to; `organismos` None means every organismo."""

    organismos: frozenset[str] | None = None
    organismo: str | None = None
    dataset: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 200


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # --- plumbing ---------------------------------------------------------------------------

    def _add(self, record):
        with write_transaction(self.engine) as connection, Session(bind=connection) as session:
            session.add(record)
            session.flush()
            session.expunge(record)
        return record

    def _one(self, query):
        with self._sessions() as session:
            return session.scalars(query).first()

    def _all(self, query) -> list:
        with self._sessions() as session:
            return list(session.scalars(query))

    def _write(self, *statements) -> int:
        changed = 0
        with write_transaction(self.engine) as connection:
            for statement in statements:
                changed += connection.execute(statement).rowcount or 0
        return changed

    # --- users --------------------------------------------------------------------------------

    def add_user(self, *, email: str, name: str, role: str, organismo: str | None) -> User:
        return self._add(
            User(
                email=email.strip().lower(),
                name=name.strip(),
                role=role,
                organismo=organismo,
                password_hash=None,
                active=True,
                created_at=now(),
            )
        )

    def user(self, user_id: int) -> User | None:
        return self._one(select(User).where(User.id == user_id))

    def user_by_email(self, email: str) -> User | None:
        return self._one(select(User).where(User.email == email.strip().lower()))

    def users(self) -> list[User]:
        return self._all(select(User).order_by(User.role, User.organismo, User.email))

    def count_users(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(User)).scalar_one()

    def set_password(self, user_id: int, password_hash: str) -> None:
        """A new password ends every open session of the user."""
        self._write(
            update(User).where(User.id == user_id).values(password_hash=password_hash),
            delete(WebSession).where(WebSession.user_id == user_id),
        )

    def set_active(self, user_id: int, active: bool) -> None:
        statements = [update(User).where(User.id == user_id).values(active=active)]
        if not active:
            statements.append(delete(WebSession).where(WebSession.user_id == user_id))
        self._write(*statements)

    # --- sessions -----------------------------------------------------------------------------

    def add_session(self, user_id: int, token_hash: str, csrf: str, ttl: dt.timedelta) -> None:
        moment = now()
        self._add(
            WebSession(
                token_hash=token_hash,
                user_id=user_id,
                csrf=csrf,
                created_at=moment,
                expires_at=moment + ttl,
            )
        )

    def session(self, token_hash: str) -> tuple[WebSession, User] | None:
        """The live session and its active user, or None (unknown, expired or deactivated)."""
        with self._sessions() as session:
            found = session.execute(
                select(WebSession, User)
                .join(User, User.id == WebSession.user_id)
                .where(WebSession.token_hash == token_hash, WebSession.expires_at > now())
                .where(User.active.is_(True))
            ).first()
        return (found[0], found[1]) if found else None

    def end_session(self, token_hash: str) -> None:
        self._write(
            delete(WebSession).where(
                or_(WebSession.token_hash == token_hash, WebSession.expires_at <= now())
            )
        )

    # --- one-time links -----------------------------------------------------------------------

    def add_link(self, user_id: int, purpose: str, token_hash: str, ttl: dt.timedelta) -> None:
        moment = now()
        self._add(
            OneTimeLink(
                token_hash=token_hash,
                user_id=user_id,
                purpose=purpose,
                created_at=moment,
                expires_at=moment + ttl,
                used_at=None,
            )
        )

    def valid_link(self, token_hash: str) -> OneTimeLink | None:
        return self._one(
            select(OneTimeLink).where(
                OneTimeLink.token_hash == token_hash,
                OneTimeLink.used_at.is_(None),
                OneTimeLink.expires_at > now(),
            )
        )

    def use_link(self, token_hash: str) -> bool:
        """Mark the link used; False when it was already used or expired (use it once only)."""
        changed = self._write(
            update(OneTimeLink)
            .where(
                OneTimeLink.token_hash == token_hash,
                OneTimeLink.used_at.is_(None),
                OneTimeLink.expires_at > now(),
            )
            .values(used_at=now())
        )
        return changed == 1

    # --- uploads and receipts -----------------------------------------------------------------

    def add_upload(self, **fields) -> Upload:
        return self._add(Upload(**fields))

    def upload(self, upload_id: int) -> Upload | None:
        return self._one(select(Upload).where(Upload.id == upload_id))

    def uploads(self, which: UploadFilter) -> list[Upload]:
        query = select(Upload).order_by(Upload.uploaded_at.desc(), Upload.id.desc())
        if which.organismos is not None:
            query = query.where(Upload.organismo.in_(sorted(which.organismos)))
        if which.organismo:
            query = query.where(Upload.organismo == which.organismo)
        if which.dataset:
            query = query.where(Upload.dataset == which.dataset)
        if which.since:
            query = query.where(Upload.uploaded_at >= which.since)
        if which.until:
            query = query.where(Upload.uploaded_at < which.until)
        return self._all(query.limit(which.limit))

    def latest_uploads(self) -> dict[str, Upload]:
        """The newest upload of each dataset."""
        newest = (
            select(Upload.dataset, func.max(Upload.id).label("id")).group_by(Upload.dataset)
        ).subquery()
        found = self._all(select(Upload).join(newest, newest.c.id == Upload.id))
        return {u.dataset: u for u in found}

    def add_receipt(self, **fields) -> Receipt | None:
        """None when the upload was already sent (one receipt per upload)."""
        try:
            return self._add(Receipt(**fields))
        except IntegrityError:
            return None

    def receipt(self, upload_id: int) -> Receipt | None:
        return self._one(select(Receipt).where(Receipt.upload_id == upload_id))

    def receipts(self, upload_ids: Iterable[int]) -> dict[int, Receipt]:
        ids = sorted(set(upload_ids))
        if not ids:
            return {}
        return {
            r.upload_id: r for r in self._all(select(Receipt).where(Receipt.upload_id.in_(ids)))
        }

    def latest_receipts(self) -> dict[str, Receipt]:
        newest = (
            select(Receipt.dataset, func.max(Receipt.id).label("id")).group_by(Receipt.dataset)
        ).subquery()
        found = self._all(select(Receipt).join(newest, newest.c.id == Receipt.id))
        return {r.dataset: r for r in found}

    def senders_of(self, dataset: str, sha256: str) -> list[User]:
        """Who sent these bytes of this dataset through the ventanilla (for notices)."""
        query = (
            select(User)
            .join(Receipt, Receipt.user_id == User.id)
            .where(Receipt.dataset == dataset, Receipt.sha256 == sha256)
            .distinct()
        )
        return self._all(query)

    # --- notices ------------------------------------------------------------------------------

    def claim_notice(self, **fields) -> Notice | None:
        """Record a notice as pending; None when one with its key exists (it happens once)."""
        try:
            return self._add(Notice(status="pendiente", created_at=now(), sent_at=None, **fields))
        except IntegrityError:
            return None

    def has_notice(self, key: str) -> bool:
        return self._one(select(Notice.id).where(Notice.key == key)) is not None

    def settle_notice(self, notice_id: int, status: str, error: str | None = None) -> None:
        self._write(
            update(Notice)
            .where(Notice.id == notice_id)
            .values(status=status, error=error, sent_at=now() if status == "enviado" else None)
        )

    def notices(
        self,
        *,
        organismos: frozenset[str] | None = None,
        dataset: str | None = None,
        limit: int = 100,
    ) -> list[Notice]:
        query = select(Notice).order_by(Notice.created_at.desc(), Notice.id.desc())
        if organismos is not None:
            query = query.where(Notice.organismo.in_(sorted(organismos)))
        if dataset:
            query = query.where(Notice.dataset == dataset)
        return self._all(query.limit(limit))

    # --- audit log ----------------------------------------------------------------------------

    def audit(
        self,
        action: str,
        *,
        actor: str = SYSTEM,
        user_id: int | None = None,
        organismo: str | None = None,
        dataset: str | None = None,
        ip: str | None = None,
        **detail,
    ) -> None:
        self._add(
            AuditEntry(
                at=now(),
                actor=actor.strip().lower(),
                user_id=user_id,
                action=action,
                organismo=organismo,
                dataset=dataset,
                ip=ip,
                detail=detail,
            )
        )

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        return self._all(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))

    def count_actions(
        self, action: str, since: dt.datetime, *, actor: str | None = None, ip: str | None = None
    ) -> int:
        query = select(func.count()).select_from(AuditEntry)
        query = query.where(AuditEntry.action == action, AuditEntry.at >= since)
        if actor is not None:
            query = query.where(AuditEntry.actor == actor.strip().lower())
        if ip is not None:
            query = query.where(AuditEntry.ip == ip)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar_one()
