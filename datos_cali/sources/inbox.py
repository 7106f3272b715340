"""The organismo's inbox: `<state>/inbox/<organismo>/`. The newest matching file wins.

A processed file (published or unchanged) moves to `procesados/`; a rejected file stays where the
organismo left it, with `<name>.informe.txt` and `<name>.informe.json` beside it saying why.
Names that could escape the folder (links, `..`, control characters) are refused.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Literal

from datos_cali.catalog import Catalog
from datos_cali.catalog.models import Dataset
from datos_cali.contracts import load_contract
from datos_cali.outcomes import Outcome
from datos_cali.settings import Paths
from datos_cali.sources.base import NothingNew, Pulled, SourceError, SourceKind, SourceSettings

PROCESSED = "procesados"
REPORT_SUFFIX = ".informe"
EMPTY_INBOX = "No hay archivos nuevos de «{slug}» en la bandeja de «{organismo}»."
UNSAFE_NAME = "Se rechazó el archivo «{name}» de la bandeja: su nombre no es seguro ({why})."
NOT_AN_INBOX = (
    "El conjunto «{slug}» debe tener como origen la bandeja de su organismo (kind: inbox)."
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


class InboxSettings(SourceSettings):
    """A file dropped by the organismo in its inbox folder; the newest matching file wins."""

    kind: Literal["inbox"]
    pattern: str = "*"


def inbox_folder(paths: Paths, organismo: str) -> Path:
    return paths.inbox / organismo


def _why_unsafe(entry: Path, folder: Path) -> str | None:
    name = entry.name
    if _UNSAFE.search(name):
        return "caracteres de control o separadores"
    if name in (".", "..") or name.startswith(".."):
        return "empieza por «..»"
    if entry.is_symlink():
        return "es un enlace simbólico"
    if not entry.resolve().is_relative_to(folder.resolve()):
        return "apunta fuera de la bandeja"
    return None


def candidates(folder: Path, pattern: str) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.glob(pattern):
        if entry.name.startswith(".") or REPORT_SUFFIX in entry.name:
            continue
        why = _why_unsafe(entry, folder)
        if why:
            raise SourceError(
                UNSAFE_NAME.format(name=entry.name.encode("unicode_escape").decode(), why=why)
            )
        if entry.is_file():
            found.append(entry)
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def pull_inbox(settings: InboxSettings, dataset: Dataset, paths: Paths) -> Pulled:
    folder = inbox_folder(paths, dataset.organismo)
    found = candidates(folder, settings.pattern)
    if not found:
        raise NothingNew(EMPTY_INBOX.format(slug=dataset.slug, organismo=dataset.organismo))
    newest = found[-1]

    def settle(outcome: str, text: str | None, data: dict | None) -> None:
        if not newest.exists():  # a concurrent run of the same dataset already settled it
            return
        if outcome in (Outcome.PUBLISHED, Outcome.UNCHANGED):
            stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
            done = folder / PROCESSED
            done.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):  # lost a race with a concurrent run
                shutil.move(newest, done / f"{stamp}-{newest.name}")
            for stale in report_paths(newest):
                stale.unlink(missing_ok=True)
        elif outcome == Outcome.REJECTED and text is not None:
            txt, js = report_paths(newest)
            txt.write_text(text, encoding="utf-8")
            js.write_text(
                json.dumps(data or {}, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
            )

    return Pulled(
        kind="inbox",
        uri=f"inbox:{dataset.organismo}/{newest.name}",
        file_name=newest.name,
        path=newest,
        received_at=newest.stat().st_mtime,
        settle=settle,
    )


def report_paths(submission: Path) -> tuple[Path, Path]:
    base = submission.with_name(submission.name + REPORT_SUFFIX)
    return base.with_name(base.name + ".txt"), base.with_name(base.name + ".json")


KIND = SourceKind(InboxSettings, pull_inbox)


def submit_rows(
    slug: str, rows: list[dict], catalog: Catalog, where: Paths, now: dt.datetime
) -> Path | None:
    """Hand `rows` to the dataset's inbox as its next submission, the way an organismo would.

    The office's own figures (usage, compliance) go through the pipeline like anyone's file:
    the headers are the contract's titles, the values plain (ISO dates, dot decimals). The file
    is written under a hidden name and renamed, so the inbox never shows a half-written one.
    None when the catalog has no such dataset.
    """
    dataset = catalog.datasets.get(slug)
    if dataset is None:
        return None
    if dataset.source.kind != "inbox":
        raise ValueError(NOT_AN_INBOX.format(slug=slug))
    settings = InboxSettings.model_validate(dataset.source.settings())
    columns = list(load_contract(dataset.schema_name, where.schemas).columns.values())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.title for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c.name)) for c in columns])
    folder = inbox_folder(where, dataset.organismo)
    folder.mkdir(parents=True, exist_ok=True)
    prefix = settings.pattern.split("*")[0]
    path = folder / f"{prefix}{now.astimezone(dt.UTC):%Y%m%dT%H%M%S%f}.csv"
    hidden = folder / f".{path.name}.tmp"
    hidden.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(hidden, path)
    return path


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
