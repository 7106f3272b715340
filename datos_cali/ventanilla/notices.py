"""Notices by e-mail — and in the history, where every one of them is shown too.

    recibo          a file was sent: its receipt (the clerk and the organismo's contact)
    rechazado       a run rejected a file: what to fix (the contact and whoever sent it)
    publicado       a run published a file: links to each portal (the same people)
    no_reconocido   the organismo's inbox holds files whose names match no dataset
    desactualizado  a dataset is behind its declared frequency (once per late period)
    invitacion, restablecer   one-time links to set a password

Each notice has a key (one per receipt, per run, per late period…) that the database keeps
unique, so it is written and sent once however many servers dispatch at the same time. The
run-driven ones come from the ledger (`dispatch`, every minute in the server and in
`datos-cali avisos enviar`): the runs of the last week, so a first start on a long history
does not flood anyone. Messages carry no personal values: findings are masked by the analysis
before they are ever stored. Without `DATOS_CALI_SMTP_URL` a notice is kept as «sin correo»
and shown in the history; a failed delivery is retried at the next dispatch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from datos_cali.catalog import Catalog
from datos_cali.compliance.history import last_successes, load_history
from datos_cali.ledger.models import RunRecord
from datos_cali.ledger.ventanilla import Notice, Receipt, Upload, User
from datos_cali.outcomes import Outcome
from datos_cali.reportsite.labels import number, when
from datos_cali.settings import Paths
from datos_cali.sources.inbox import inbox_folder, inbox_patterns, unrecognised
from datos_cali.ventanilla import mail
from datos_cali.ventanilla.accounts import ROLE_NAMES
from datos_cali.ventanilla.config import Settings
from datos_cali.ventanilla.history import portal_link
from datos_cali.ventanilla.store import Store, now

TEMPLATES = Path(__file__).resolve().parent / "templates" / "correo"
LOOKBACK = dt.timedelta(days=7)
RETRY_FOR = dt.timedelta(days=2)
SUBJECTS = {
    "recibo": "Recibo {number}: {title}",
    "rechazado": "No se publicó «{title}»: hay que corregir el archivo",
    "publicado": "Publicado: «{title}»",
    "no_reconocido": "Archivos no reconocidos en la bandeja de {organismo_name}",
    "desactualizado": "Desactualizado: «{title}»",
    "invitacion": "Su cuenta en la ventanilla de datos abiertos de Cali",
    "restablecer": "Restablecer su contraseña de la ventanilla de datos abiertos",
}
ONE_TIME = ("invitacion", "restablecer")
KEPT_WITHOUT_LINK = "[enlace de un solo uso: no se guarda]"
NO_SMTP = "No hay servidor de correo configurado (DATOS_CALI_SMTP_URL)."
SMTP_FAILED = "El servidor de correo no aceptó el mensaje ({kind})."
_URL = re.compile(r"https?://[^\s<>«»\"]+")


@dataclass(frozen=True)
class Mailed:
    notice: Notice | None
    status: str


def receipt_number(receipt: Receipt) -> str:
    return f"{receipt.sent_at:%Y}-{receipt.id:06d}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(when=when, number_of=number)
    return env


def as_html(subject: str, text: str) -> str:
    """The plain text as simple HTML: its paragraphs, with addresses as links."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = html.escape(block)
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append(Markup(linked.replace("\n", "<br>\n")))
    return _ENV.get_template("correo.html").render(subject=subject, paragraphs=paragraphs)


_ENV = _environment()


class Notifier:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.server = mail.parse_smtp_url(settings.smtp_url) if settings.smtp_url else None

    # --- writing and sending one notice ---------------------------------------------------------

    def notify(
        self,
        key: str,
        kind: str,
        recipients: list[str],
        context: dict,
        *,
        organismo: str | None = None,
        dataset: str | None = None,
        keep_text: str | None = None,
    ) -> Mailed:
        """Render, record (once per key) and send. `keep_text` replaces the text kept in the
        database when the message carries a one-time link."""
        subject = SUBJECTS[kind].format(**context)
        text = _ENV.get_template(f"{kind}.txt").render(**context).strip() + "\n"
        recipients = sorted({r.strip().lower() for r in recipients if r})
        notice = self.store.claim_notice(
            key=key,
            kind=kind,
            organismo=organismo,
            dataset=dataset,
            recipients=recipients,
            subject=subject,
            body=keep_text if keep_text is not None else text,
        )
        if notice is None:
            return Mailed(None, "repetido")
        return Mailed(notice, self._deliver(notice, recipients, subject, text))

    def _deliver(self, notice: Notice, recipients: list[str], subject: str, text: str) -> str:
        if self.server is None:
            self.store.settle_notice(notice.id, "sin_correo", NO_SMTP)
            return "sin_correo"
        try:
            message = mail.message(self.server, recipients, subject, text, as_html(subject, text))
            mail.send(self.server, message)
        except (smtplib.SMTPException, OSError) as exc:
            self.store.settle_notice(
                notice.id, "fallido", SMTP_FAILED.format(kind=type(exc).__name__)
            )
            return "fallido"
        self.store.settle_notice(notice.id, "enviado")
        return "enviado"

    def retry_failed(self) -> int:
        """Send again the notices whose delivery failed lately (their text is kept)."""
        since = now() - RETRY_FOR
        with Session(self.store.engine) as session:
            failed = list(
                session.scalars(
                    select(Notice).where(
                        Notice.status == "fallido",
                        Notice.created_at >= since,
                        Notice.kind.not_in(ONE_TIME),
                    )
                )
            )
        sent = 0
        for notice in failed:
            sent += (
                self._deliver(notice, notice.recipients, notice.subject, notice.body) == "enviado"
            )
        return sent

    # --- accounts -------------------------------------------------------------------------------

    def one_time_link(self, user: User, purpose: str, token: str, catalog: Catalog) -> Mailed:
        organismo = catalog.organismos.get(user.organismo or "")
        context = {
            "user": user,
            "role": ROLE_NAMES[user.role],
            "organismo_name": organismo.name if organismo else "",
            "link": f"{self.settings.base_url}/enlace/{token}",
        }
        kept = _ENV.get_template(f"{purpose}.txt").render(**{**context, "link": KEPT_WITHOUT_LINK})
        key = f"{purpose}:{hashlib.sha256(token.encode()).hexdigest()}"
        return self.notify(key, purpose, [user.email], context, keep_text=kept)

    # --- the clerk's receipt --------------------------------------------------------------------

    def receipt(
        self,
        receipt: Receipt,
        upload: Upload,
        user: User,
        catalog: Catalog,
        *,
        next_run: dt.datetime | None,
        immediate: bool,
    ) -> Mailed:
        dataset = catalog.datasets[upload.dataset]
        organismo = catalog.organismos.get(dataset.organismo)
        context = {
            "receipt": receipt,
            "upload": upload,
            "number": receipt_number(receipt),
            "title": dataset.title,
            "organismo_name": organismo.name if organismo else dataset.organismo,
            "next_run": next_run,
            "immediate": immediate,
            "link": f"{self.settings.base_url}/envios/{upload.id}",
        }
        recipients = [user.email, organismo.email if organismo else ""]
        return self.notify(
            f"recibo:{receipt.id}",
            "recibo",
            recipients,
            context,
            organismo=dataset.organismo,
            dataset=dataset.slug,
        )

    # --- what the ledger says -------------------------------------------------------------------

    def dispatch(self, catalog: Catalog, where: Paths, at: dt.datetime | None = None) -> int:
        """Every notice the ledger calls for and that was not sent yet; returns how many."""
        at = at or now()
        with Session(self.store.engine) as session:
            rows = list(
                session.scalars(
                    select(RunRecord)
                    .where(
                        RunRecord.started_at >= at - LOOKBACK,
                        RunRecord.outcome.in_(
                            [Outcome.REJECTED, Outcome.PUBLISHED, Outcome.UNRECOGNISED]
                        ),
                    )
                    .order_by(RunRecord.started_at, RunRecord.id)
                )
            )
        runs: dict[str, list[RunRecord]] = defaultdict(list)
        for row in rows:
            runs[row.run_id].append(row)
        done = 0
        for run_rows in runs.values():
            first = run_rows[0]
            if first.dataset not in catalog.datasets:
                continue
            if first.outcome == Outcome.UNRECOGNISED:
                done += self._unrecognised(first, catalog, where)
            elif any(r.outcome == Outcome.REJECTED for r in run_rows):
                done += self._run_notice("rechazado", first, run_rows, catalog)
            elif any(r.outcome == Outcome.PUBLISHED for r in run_rows):
                done += self._run_notice("publicado", first, run_rows, catalog)
        done += self._overdue(catalog, at)
        done += self.retry_failed()
        return done

    def _people(self, row: RunRecord, catalog: Catalog) -> tuple[list[str], str, int | None]:
        organismo = catalog.organismos.get(row.organismo)
        people = [organismo.email] if organismo else []
        upload_id = None
        if row.source_sha256:
            people += [
                u.email for u in self.store.senders_of(row.dataset, row.source_sha256) if u.active
            ]
            upload_id = self._upload_of(row.dataset, row.source_sha256)
        return people, (organismo.name if organismo else row.organismo), upload_id

    def _upload_of(self, dataset: str, sha256: str) -> int | None:
        with Session(self.store.engine) as session:
            return session.scalar(
                select(Receipt.upload_id)
                .where(Receipt.dataset == dataset, Receipt.sha256 == sha256)
                .order_by(Receipt.id.desc())
                .limit(1)
            )

    def _run_notice(
        self, kind: str, first: RunRecord, rows: list[RunRecord], catalog: Catalog
    ) -> int:
        key = f"{kind}:{first.run_id}"
        if self.store.has_notice(key):
            return 0
        dataset = catalog.datasets[first.dataset]
        people, organismo_name, upload_id = self._people(first, catalog)
        link = self.settings.base_url + (f"/envios/{upload_id}" if upload_id else "/historial")
        findings = first.findings or []
        context = {
            "title": dataset.title,
            "organismo_name": organismo_name,
            "file_name": first.source_file_name or "—",
            "sha256": first.source_sha256 or "—",
            "at": max(r.finished_at for r in rows),
            "rows": first.rows,
            "errors": [f for f in findings if f.get("severity") == "block"],
            "warnings": sum(1 for f in findings if f.get("severity") != "block"),
            "targets": [
                {**_counts(r), "url": portal_link(r.portal_url, self.settings.local_portal_url)}
                for r in rows
                if r.outcome == Outcome.PUBLISHED
            ],
            "link": link,
        }
        mailed = self.notify(
            key, kind, people, context, organismo=first.organismo, dataset=first.dataset
        )
        return mailed.notice is not None

    def _unrecognised(self, row: RunRecord, catalog: Catalog, where: Paths) -> int:
        patterns = inbox_patterns(catalog, row.organismo)
        files = unrecognised(inbox_folder(where, row.organismo), list(patterns.values()))
        if not files:
            return 0
        digest = hashlib.sha256("\n".join(files).encode("utf-8")).hexdigest()[:16]
        key = f"no_reconocido:{row.organismo}:{digest}"
        if self.store.has_notice(key):
            return 0
        organismo = catalog.organismos.get(row.organismo)
        context = {
            "organismo_name": organismo.name if organismo else row.organismo,
            "files": files,
            "patterns": [
                (catalog.datasets[slug].title, pattern.replace("*", "…"))
                for slug, pattern in sorted(patterns.items())
            ],
            "link": f"{self.settings.base_url}/enviar",
        }
        people = [organismo.email] if organismo else []
        mailed = self.notify(key, "no_reconocido", people, context, organismo=row.organismo)
        return mailed.notice is not None

    def _overdue(self, catalog: Catalog, at: dt.datetime) -> int:
        done = 0
        for slug, last in last_successes(load_history(self.store.engine)).items():
            dataset = catalog.datasets.get(slug)
            period = dataset.frequency.period if dataset else None
            if period is None or at - last <= period:
                continue
            key = f"desactualizado:{slug}:{last.isoformat()}"
            if self.store.has_notice(key):
                continue
            organismo = catalog.organismos.get(dataset.organismo)
            context = {
                "title": dataset.title,
                "organismo_name": organismo.name if organismo else dataset.organismo,
                "frequency": dataset.frequency.value,
                "last_success": last,
                "days": (at - last - period).days,
                "link": f"{self.settings.base_url}/enviar?conjunto={slug}",
            }
            people = [organismo.email] if organismo else []
            mailed = self.notify(
                key, "desactualizado", people, context, organismo=dataset.organismo, dataset=slug
            )
            done += mailed.notice is not None
        return done


def _counts(row: RunRecord) -> dict:
    return {
        "target": row.target,
        "created": row.created,
        "updated": row.updated,
        "deleted": row.deleted,
    }
