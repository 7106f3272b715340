"""What became of each upload: checked, sent (its receipt), and what the runs made of it.

An upload's fate is read from the run ledger, never copied: the runs of its dataset whose
source has the upload's SHA-256 and that started after it was sent. The newest such run
speaks for it, per portal — published (with the portal's link and time), unchanged (those
rows were already published), rejected (and why), failed (it will be retried).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from datos_cali.ledger.models import RunRecord
from datos_cali.ledger.ventanilla import Receipt, Upload
from datos_cali.outcomes import NO_TARGET, PUBLISHED_OUTCOMES, Outcome

# The states a submission can be in, with the words people read (filters use the keys).
STATES = {
    "revisado": "Revisado, no enviado",
    "enviado": "Enviado, en espera de la próxima ejecución",
    Outcome.PUBLISHED.value: Outcome.PUBLISHED.title,
    Outcome.UNCHANGED.value: Outcome.UNCHANGED.title,
    Outcome.REJECTED.value: Outcome.REJECTED.title,
    Outcome.FAILED.value: Outcome.FAILED.title,
}
_LOOPBACK = re.compile(r"^https?://(?:127\.0\.0\.1|localhost|\[::1\]):\d+")
_PATH = re.compile(r"(?<![\w.:/-])/(?:[\w.@+-]+/)+[\w.@+-]*")


def scrub(text: str | None) -> str:
    """A message for a page: server paths (which a failed run's message may carry) hidden."""
    return _PATH.sub("[ruta del servidor]", text or "")


def portal_link(url: str | None, local_portal_url: str | None) -> str | None:
    """The link as recorded, or — for the embedded local portal, whose port changes with each
    run — the same page on the persistent local portal (`DATOS_CALI_LOCAL_PORTAL_URL`)."""
    if not url or not local_portal_url:
        return url
    return _LOOPBACK.sub(local_portal_url, url)


@dataclass(frozen=True)
class TargetState:
    target: str
    outcome: str
    label: str
    url: str | None
    at: dt.datetime
    message: str


@dataclass
class Submission:
    upload: Upload
    receipt: Receipt | None
    targets: list[TargetState] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # the rejecting run's findings (masked)

    @property
    def state(self) -> str:
        if self.receipt is None:
            return "revisado"
        # A run recovered after its host died published the file all the same.
        outcomes = {
            Outcome.PUBLISHED if t.outcome == Outcome.RECOVERED else t.outcome for t in self.targets
        }
        for outcome in (Outcome.REJECTED, Outcome.FAILED, Outcome.PUBLISHED, Outcome.UNCHANGED):
            if outcome in outcomes:
                return outcome.value
        return "enviado"

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def published_at(self) -> dt.datetime | None:
        times = [t.at for t in self.targets if t.outcome in PUBLISHED_OUTCOMES]
        return max(times) if times else None


def runs_for(engine: Engine, receipts: list[Receipt]) -> dict[int, list[RunRecord]]:
    """Ledger rows of each receipt's dataset and bytes, started after it was sent; newest first."""
    if not receipts:
        return {}
    shas = sorted({r.sha256 for r in receipts})
    query = (
        select(RunRecord)
        .where(RunRecord.source_sha256.in_(shas))
        .order_by(RunRecord.started_at.desc(), RunRecord.id.desc())
    )
    with Session(engine) as session:
        rows = list(session.scalars(query))
    by_key: dict[tuple[str, str], list[RunRecord]] = defaultdict(list)
    for row in rows:
        by_key[(row.dataset, row.source_sha256)].append(row)
    found = {}
    for receipt in receipts:
        candidates = by_key.get((receipt.dataset, receipt.sha256), [])
        found[receipt.upload_id] = [
            r for r in candidates if r.started_at >= receipt.sent_at - dt.timedelta(seconds=1)
        ]
    return found


def submissions(
    engine: Engine,
    uploads: list[Upload],
    receipts: dict[int, Receipt],
    *,
    local_portal_url: str | None = None,
) -> list[Submission]:
    sent = [receipts[u.id] for u in uploads if u.id in receipts]
    runs = runs_for(engine, sent)
    found = []
    for upload in uploads:
        receipt = receipts.get(upload.id)
        item = Submission(upload, receipt)
        rows = runs.get(upload.id, [])
        if rows:
            newest = rows[0].run_id
            for row in (r for r in rows if r.run_id == newest):
                item.targets.append(
                    TargetState(
                        target=row.target,
                        outcome=row.outcome,
                        label=Outcome(row.outcome).title,
                        url=portal_link(row.portal_url, local_portal_url)
                        if row.target != NO_TARGET
                        else None,
                        at=row.finished_at,
                        message=scrub(row.error_message),
                    )
                )
                if row.outcome == Outcome.REJECTED:
                    item.errors = [f for f in row.findings or [] if f.get("severity") == "block"]
        found.append(item)
    return found
