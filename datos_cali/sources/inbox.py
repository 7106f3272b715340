"""The organismo's inbox: `<state>/inbox/<organismo>/`. The newest matching file wins.

A processed file (published or unchanged) moves to `procesados/`; a rejected file stays where the
organismo left it, with `<name>.informe.txt` and `<name>.informe.json` beside it saying why.
Names that could escape the folder (links, `..`, control characters) are refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
from pathlib import Path

from datos_cali.catalog.models import Dataset
from datos_cali.settings import Paths
from datos_cali.sources.base import NothingNew, Pulled, SourceError

PROCESSED = "procesados"
REPORT_SUFFIX = ".informe"
EMPTY_INBOX = "No hay archivos nuevos de «{slug}» en la bandeja {folder}."
UNSAFE_NAME = "Se rechazó el archivo «{name}» de la bandeja: su nombre no es seguro ({why})."
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


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


def pull_inbox(dataset: Dataset, paths: Paths) -> Pulled:
    folder = inbox_folder(paths, dataset.organismo)
    found = candidates(folder, dataset.source.pattern)
    if not found:
        raise NothingNew(EMPTY_INBOX.format(slug=dataset.slug, folder=folder))
    newest = found[-1]

    def settle(outcome: str, text: str | None, data: dict | None) -> None:
        if not newest.exists():  # a concurrent run of the same dataset already settled it
            return
        if outcome in ("published", "unchanged"):
            stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
            done = folder / PROCESSED
            done.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):  # lost a race with a concurrent run
                shutil.move(newest, done / f"{stamp}-{newest.name}")
            for stale in report_paths(newest):
                stale.unlink(missing_ok=True)
        elif outcome == "rejected" and text is not None:
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
