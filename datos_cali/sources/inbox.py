"""The organismo's inbox: `<state>/inbox/<organismo>/`. The newest matching file wins.

Names match the dataset's `pattern` ignoring case (`Vacunacion_COVID19_dic.csv` is a
`vacunacion_covid19*`). When nothing matches and the inbox holds files whose names match no
dataset of the organismo, the run says so («archivo no reconocido») instead of «sin archivo
nuevo», so the organismo can be told. A processed file (published or unchanged) moves to
`procesados/`; a rejected file stays where the organismo left it, with `<name>.informe.txt`
and `<name>.informe.json` beside it saying why. Names that could escape the folder (links,
`..`, control characters) are refused.

Files reach the inbox by hand, from `submit_rows` (the office's own figures) or from
`hand_in` (the ventanilla): both write a hidden temporary name and rename it, so a run never
sees half a file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fnmatch
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Literal

from datos_cali.catalog import Catalog, load_catalog
from datos_cali.catalog.models import Dataset
from datos_cali.contracts import load_contract
from datos_cali.outcomes import Outcome
from datos_cali.settings import Paths
from datos_cali.sources.base import (
    NothingNew,
    Pulled,
    SourceError,
    SourceKind,
    SourceSettings,
    Unrecognised,
)

PROCESSED = "procesados"
REPORT_SUFFIX = ".informe"
EMPTY_INBOX = "No hay archivos nuevos de «{slug}» en la bandeja de «{organismo}»."
UNRECOGNISED = (
    "No hay archivos nuevos de «{slug}», pero en la bandeja de «{organismo}» hay {count} "
    "que no corresponde{n} a ningún conjunto: {names}. Sus nombres deben empezar como el del "
    "conjunto (por ejemplo, «{example}»)."
)
NO_SUCH_NAME = "El patrón «{pattern}» de «{slug}» no admite un nombre de archivo generado."
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


def matches(name: str, pattern: str) -> bool:
    """Whether a file name fits a catalog pattern, ignoring case (people rename files freely)."""
    return fnmatch.fnmatchcase(name.casefold(), pattern.casefold())


def _submissions(folder: Path):
    """The entries of an inbox that could be submissions (not hidden, not our reports)."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name.startswith(".") or REPORT_SUFFIX in entry.name:
            continue
        yield entry


def candidates(folder: Path, pattern: str) -> list[Path]:
    found = []
    for entry in _submissions(folder):
        if not matches(entry.name, pattern):
            continue
        why = _why_unsafe(entry, folder)
        if why:
            raise SourceError(
                UNSAFE_NAME.format(name=entry.name.encode("unicode_escape").decode(), why=why)
            )
        if entry.is_file():
            found.append(entry)
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def inbox_patterns(catalog: Catalog, organismo: str) -> dict[str, str]:
    """slug → name pattern of every dataset the organismo sends through its inbox."""
    found = {}
    for slug, dataset in catalog.datasets.items():
        if dataset.organismo == organismo and dataset.source.kind == "inbox":
            found[slug] = InboxSettings.model_validate(dataset.source.settings()).pattern
    return found


def unrecognised(folder: Path, patterns: list[str]) -> list[str]:
    """Names of the files in `folder` that no pattern matches, sorted."""
    return sorted(
        entry.name
        for entry in _submissions(folder)
        if entry.is_file()
        and not entry.is_symlink()
        and not any(matches(entry.name, p) for p in patterns)
    )


def pull_inbox(settings: InboxSettings, dataset: Dataset, paths: Paths) -> Pulled:
    folder = inbox_folder(paths, dataset.organismo)
    found = candidates(folder, settings.pattern)
    if not found:
        patterns = [settings.pattern]
        if paths.catalog.is_dir():
            patterns += inbox_patterns(load_catalog(paths.catalog), dataset.organismo).values()
        strangers = unrecognised(folder, patterns)
        if strangers:
            raise Unrecognised(
                UNRECOGNISED.format(
                    slug=dataset.slug,
                    organismo=dataset.organismo,
                    count=f"{len(strangers)} archivo{'s' if len(strangers) > 1 else ''}",
                    n="n" if len(strangers) > 1 else "",
                    names=", ".join(f"«{n}»" for n in strangers[:10]),
                    example=settings.pattern.replace("*", "…"),
                ),
                strangers,
            )
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


def hand_in(dataset: Dataset, source: Path, where: Paths, *, tag: str, suffix: str) -> Path:
    """Put a copy of `source` (bytes already archived) in the dataset's inbox as its next
    submission, under a name its pattern recognises: `<pattern prefix><tag><suffix>`.

    The copy is written under a hidden temporary name, flushed, then renamed: the inbox never
    shows a half-written file, and a run that starts meanwhile sees either nothing or all of it.
    """
    if dataset.source.kind != "inbox":
        raise ValueError(NOT_AN_INBOX.format(slug=dataset.slug))
    settings = InboxSettings.model_validate(dataset.source.settings())
    prefix = settings.pattern.split("*")[0].split("?")[0].split("[")[0]
    name = f"{prefix}{tag}{suffix}"
    if not matches(name, settings.pattern) or _UNSAFE.search(name):
        raise ValueError(NO_SUCH_NAME.format(pattern=settings.pattern, slug=dataset.slug))
    folder = inbox_folder(where, dataset.organismo)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    hidden = folder / f".{name}.tmp"
    try:
        with open(source, "rb") as data, open(hidden, "wb") as out:
            shutil.copyfileobj(data, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        os.replace(hidden, path)
    except BaseException:
        hidden.unlink(missing_ok=True)
        raise
    return path


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
