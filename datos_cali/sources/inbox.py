"""The organismo's inbox: `<state>/inbox/<organismo>/`. The newest complete file wins.

Names match the dataset's `pattern` ignoring case (`Vacunacion_COVID19_dic.csv` is a
`vacunacion_covid19*`). When nothing matches and the inbox holds files whose names match no
dataset of the organismo, the run says so («archivo no reconocido») instead of «sin archivo
nuevo», so the organismo can be told. A processed file (published or unchanged) moves to
`procesados/`; a rejected file stays where the organismo left it, with `<name>.informe.txt`
and `<name>.informe.json` beside it saying why.

A file is taken only when it is complete (a copy still running must never be published): its
`<name>.listo` marker is there (written after the file), or nothing has changed it for
`DATOS_CALI_INBOX_SETTLE_SECONDS`. The bytes are then copied out of the inbox through the
descriptor that was checked, and the copy counts only if the file did not change meanwhile.
When several files wait for one dataset, the last to arrive (the inode's change time: when it
was written or renamed into the inbox) wins and the others move to `reemplazados/`, named in the
run's message: an older file is never published after a newer one.

Everything in the inbox is touched through directory descriptors (`datos_cali.sources.safedir`):
links, pipes and devices are refused anywhere in the tree, reports are written by replacing,
and only plain data files (`DATA_EXTENSIONS`) are taken.

Files reach the inbox by hand, from `submit_rows` (the office's own figures) or from
`hand_in` (the ventanilla): both write a hidden temporary name, rename it and add the
`.listo` marker, so a run takes them at once and never sees half a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Literal, NoReturn

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
from datos_cali.sources.safedir import SafeDir, Seen, UnsafeEntry, same_file

PROCESSED = "procesados"
SUPERSEDED = "reemplazados"
REPORT_SUFFIX = ".informe"
READY_SUFFIX = ".listo"
DATA_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
SETTLE_SECONDS = 120.0
STAGING = "recepcion"  # under the state folder: private copies of what is being taken
EMPTY_INBOX = "No hay archivos nuevos de «{slug}» en la bandeja de «{organismo}»."
UNRECOGNISED = (
    "No hay archivos nuevos de «{slug}», pero en la bandeja de «{organismo}» hay {count} "
    "que no corresponde{n} a ningún conjunto: {names}. Sus nombres deben empezar como el del "
    "conjunto (por ejemplo, «{example}»)."
)
STILL_ARRIVING = (
    "El archivo «{name}» de «{slug}» todavía se está recibiendo (cambió hace menos de "
    "{seconds} s y no tiene su marca «{name}.listo»): se tomará cuando esté completo."
)
SUPERSEDED_NOTE = (
    "Se tomó el archivo más reciente, «{name}»; {count} anterior{es} de la misma bandeja "
    "quedó{n} apartado{s} sin publicar en «{folder}/»: {names}."
)
NO_SUCH_NAME = "El patrón «{pattern}» de «{slug}» no admite un nombre de archivo generado."
UNSAFE_NAME = "Se rechazó el archivo «{name}» de la bandeja: su nombre no es seguro ({why})."
NOT_DATA = (
    "Se rechazó el archivo «{name}» de la bandeja: no es un archivo de datos (se aceptan "
    "{allowed})."
)
BAD_SETTLE = (
    "DATOS_CALI_INBOX_SETTLE_SECONDS debe ser un número de segundos (0 o más), no «{value}»."
)
NOT_AN_INBOX = (
    "El conjunto «{slug}» debe tener como origen la bandeja de su organismo (kind: inbox)."
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
_COPY_CHUNK = 1024 * 1024


class InboxSettings(SourceSettings):
    """A file dropped by the organismo in its inbox folder; the newest complete file wins."""

    kind: Literal["inbox"]
    pattern: str = "*"


def inbox_folder(paths: Paths, organismo: str) -> Path:
    return paths.inbox / organismo


def settle_seconds() -> float:
    """How long a file must stay unchanged before it is taken without a `.listo` marker."""
    value = os.environ.get("DATOS_CALI_INBOX_SETTLE_SECONDS", "").strip()
    if not value:
        return SETTLE_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        raise SourceError(BAD_SETTLE.format(value=value)) from None
    if seconds < 0 or seconds != seconds:
        raise SourceError(BAD_SETTLE.format(value=value))
    return seconds


def matches(name: str, pattern: str) -> bool:
    """Whether a file name fits a catalog pattern, ignoring case (people rename files freely)."""
    return fnmatch.fnmatchcase(name.casefold(), pattern.casefold())


def _ours(name: str) -> bool:
    """Hidden names, our reports and completion markers: never submissions."""
    return name.startswith(".") or REPORT_SUFFIX in name or name.endswith(READY_SUFFIX)


def _refusal(entry: Seen) -> str | None:
    """Why a matching entry cannot be taken (a Spanish sentence), or None."""
    name = entry.name
    shown = name.encode("unicode_escape").decode()
    if _UNSAFE.search(name):
        return UNSAFE_NAME.format(name=shown, why="caracteres de control o separadores")
    if stat.S_ISLNK(entry.stat.st_mode):
        return UNSAFE_NAME.format(name=shown, why="es un enlace simbólico")
    if not entry.regular:
        return UNSAFE_NAME.format(name=shown, why="no es un archivo normal")
    if os.path.splitext(name)[1].lower() not in DATA_EXTENSIONS:
        return NOT_DATA.format(name=shown, allowed=", ".join(DATA_EXTENSIONS))
    return None


def _waiting(folder: SafeDir, pattern: str) -> list[Seen]:
    """The entries waiting for a dataset, oldest arrival first; a refused one stops the run."""
    found = []
    for entry in folder.entries():
        if _ours(entry.name) or not matches(entry.name, pattern):
            continue
        if stat.S_ISDIR(entry.stat.st_mode):
            continue
        why = _refusal(entry)
        if why:
            raise UnsafeEntry(why)
        found.append(entry)
    return sorted(found, key=_arrival)


def _arrival(entry: Seen) -> tuple[int, str]:
    """When the file arrived: its inode changed last when it was written or renamed here."""
    return (entry.stat.st_ctime_ns, entry.name)


def _complete(folder: SafeDir, entry: Seen, now: float) -> bool:
    marker = folder.lstat(entry.name + READY_SUFFIX)
    if (
        marker is not None
        and stat.S_ISREG(marker.st_mode)
        and marker.st_mtime_ns >= entry.stat.st_mtime_ns
    ):
        return True  # written after the file: the sender says it is complete
    last_change = max(entry.stat.st_mtime_ns, entry.stat.st_ctime_ns) / 1e9
    return now - last_change >= settle_seconds()


def candidates(folder: Path, pattern: str) -> list[Path]:
    """The files waiting in `folder` for `pattern`, oldest arrival first."""
    held = SafeDir.open(folder.parent, folder.name)
    if held is None:
        return []
    with held:
        return [folder / entry.name for entry in _waiting(held, pattern)]


def inbox_patterns(catalog: Catalog, organismo: str) -> dict[str, str]:
    """slug → name pattern of every dataset the organismo sends through its inbox."""
    found = {}
    for slug, dataset in catalog.datasets.items():
        if dataset.organismo == organismo and dataset.source.kind == "inbox":
            found[slug] = InboxSettings.model_validate(dataset.source.settings()).pattern
    return found


def unrecognised(folder: Path, patterns: list[str]) -> list[str]:
    """Names of the plain files in `folder` that no pattern matches, sorted."""
    try:
        held = SafeDir.open(folder.parent, folder.name)
    except UnsafeEntry:
        return []
    if held is None:
        return []
    with held:
        return sorted(
            entry.name
            for entry in held.entries()
            if not _ours(entry.name)
            and entry.regular
            and not any(matches(entry.name, p) for p in patterns)
        )


def pull_inbox(settings: InboxSettings, dataset: Dataset, paths: Paths) -> Pulled:
    folder = SafeDir.open(paths.inbox, dataset.organismo)
    if folder is None:
        raise NothingNew(EMPTY_INBOX.format(slug=dataset.slug, organismo=dataset.organismo))
    with folder:
        found = _waiting(folder, settings.pattern)
        if not found:
            _nothing_for(settings, dataset, paths)
        newest = found[-1]
        if not _complete(folder, newest, time.time()):
            raise NothingNew(_still_arriving(dataset, newest))
        copy, opened = _take(folder, newest, paths, dataset)
        try:
            note = _supersede(folder, newest, found[:-1]) if len(found) > 1 else None
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
    name = newest.name
    organismo = dataset.organismo

    def settle(outcome: str, text: str | None, data: dict | None) -> None:
        held = SafeDir.open(paths.inbox, organismo)
        if held is None:
            return
        with held:
            try:
                _settle(held, name, opened, outcome, text, data)
            except UnsafeEntry as exc:  # e.g. `procesados` is a link: the file stays here
                logging.getLogger(__name__).warning("%s", exc)

    return Pulled(
        kind="inbox",
        uri=f"inbox:{dataset.organismo}/{name}",
        file_name=name,
        path=copy,
        received_at=opened.st_ctime,
        settle=settle,
        cleanup=lambda: copy.unlink(missing_ok=True),
        modified_at=opened.st_mtime,
        note=note,
    )


def _nothing_for(settings: InboxSettings, dataset: Dataset, paths: Paths) -> NoReturn:
    """Raise `Unrecognised` when the inbox holds files no dataset claims, else `NothingNew`."""
    patterns = [settings.pattern]
    if paths.catalog.is_dir():
        patterns += inbox_patterns(load_catalog(paths.catalog), dataset.organismo).values()
    strangers = unrecognised(inbox_folder(paths, dataset.organismo), patterns)
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


def _still_arriving(dataset: Dataset, entry: Seen) -> str:
    return STILL_ARRIVING.format(
        name=entry.name, slug=dataset.slug, seconds=f"{settle_seconds():g}"
    )


def _take(folder: SafeDir, entry: Seen, paths: Paths, dataset: Dataset):
    """Copy the file's bytes out of the inbox through the descriptor that was checked.

    The copy counts only when the file opened is the one listed and nothing changed it while
    it was copied; otherwise it is still arriving (`NothingNew`) and the next run tries again.
    Returns (private copy, the file's stat)."""
    staging = paths.state / STAGING
    staging.mkdir(parents=True, exist_ok=True)
    fd, opened = folder.open_regular(entry.name)
    try:
        out_fd, name = tempfile.mkstemp(dir=staging, prefix="bandeja-", suffix=".part")
    except BaseException:
        os.close(fd)
        raise
    copy = Path(name)
    try:
        with os.fdopen(fd, "rb") as source, os.fdopen(out_fd, "wb") as out:
            if not same_file(opened, entry.stat):
                raise NothingNew(_still_arriving(dataset, entry))
            shutil.copyfileobj(source, out, _COPY_CHUNK)
            after = os.fstat(source.fileno())
        now = folder.lstat(entry.name)
        if not same_file(after, opened) or now is None or not same_file(now, opened):
            raise NothingNew(_still_arriving(dataset, entry))
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return copy, opened


def _supersede(folder: SafeDir, newest: Seen, older: list[Seen]) -> str:
    """Move the files that arrived before `newest` to `reemplazados/`; the run's note."""
    aside = folder.child(SUPERSEDED, create=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    moved = []
    with aside:
        for entry in older:
            current = folder.lstat(entry.name)
            if current is None or not same_file(current, entry.stat):
                continue  # changed or gone meanwhile: left for the next run to judge
            try:
                folder.move(entry.name, aside, f"{stamp}-{entry.name}")
            except FileNotFoundError:  # a concurrent run of the dataset set it aside first
                continue
            moved.append(entry.name)
            for extra in (READY_SUFFIX, *_REPORTS):
                folder.unlink(entry.name + extra)
    many = len(moved) > 1
    return (
        SUPERSEDED_NOTE.format(
            name=newest.name,
            count=len(moved),
            es="es" if many else "",
            n="ron" if many else "",
            s="s" if many else "",
            folder=SUPERSEDED,
            names=", ".join(f"«{n}»" for n in moved),
        )
        if moved
        else ""
    )


_REPORTS = (REPORT_SUFFIX + ".txt", REPORT_SUFFIX + ".json")


def _settle(
    folder: SafeDir,
    name: str,
    opened: os.stat_result,
    outcome: str,
    text: str | None,
    data: dict | None,
) -> None:
    """How the run ended, told to the inbox: processed files move, rejected ones get reports."""
    current = folder.lstat(name)
    if current is None or (current.st_dev, current.st_ino) != (opened.st_dev, opened.st_ino):
        return  # settled by a concurrent run, or replaced by another file: leave it
    if outcome in (Outcome.PUBLISHED, Outcome.UNCHANGED):
        done = folder.child(PROCESSED, create=True)  # a link there is refused (UnsafeEntry)
        with done:
            stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
            try:
                folder.move(name, done, f"{stamp}-{name}")
            except FileNotFoundError:  # lost a race with a concurrent run: it moved it
                return
        for extra in _REPORTS:
            folder.unlink(name + extra)
    elif outcome == Outcome.REJECTED and text is not None:
        folder.write_replacing(name + _REPORTS[0], text.encode("utf-8"))
        folder.write_replacing(
            name + _REPORTS[1],
            json.dumps(data or {}, ensure_ascii=False, indent=2, default=str).encode("utf-8"),
        )
    folder.unlink(name + READY_SUFFIX)


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
    is written under a hidden name and renamed, then marked `.listo`, so the inbox never shows a
    half-written one and a run takes it at once.
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
    prefix = settings.pattern.split("*")[0]
    name = f"{prefix}{now.astimezone(dt.UTC):%Y%m%dT%H%M%S%f}.csv"
    with _office_folder(where, dataset.organismo) as folder:
        folder.write_replacing(name, buffer.getvalue().encode("utf-8"))
        folder.write_replacing(name + READY_SUFFIX, b"")
    return inbox_folder(where, dataset.organismo) / name


def hand_in(dataset: Dataset, source: Path, where: Paths, *, tag: str, suffix: str) -> Path:
    """Put a copy of `source` (bytes already archived) in the dataset's inbox as its next
    submission, under a name its pattern recognises: `<pattern prefix><tag><suffix>`.

    The copy is written under a hidden temporary name, flushed, then renamed, and its `.listo`
    marker added: the inbox never shows a half-written file, and a run that starts meanwhile
    sees either nothing or all of it (and takes it without waiting for it to settle).
    """
    if dataset.source.kind != "inbox":
        raise ValueError(NOT_AN_INBOX.format(slug=dataset.slug))
    settings = InboxSettings.model_validate(dataset.source.settings())
    prefix = settings.pattern.split("*")[0].split("?")[0].split("[")[0]
    name = f"{prefix}{tag}{suffix}"
    if not matches(name, settings.pattern) or _UNSAFE.search(name):
        raise ValueError(NO_SUCH_NAME.format(pattern=settings.pattern, slug=dataset.slug))
    return place_file(source, where, dataset.organismo, name)


def place_file(source: Path, where: Paths, organismo: str, name: str) -> Path:
    """Copy `source` into the organismo's inbox as `name`, complete at once: hidden temporary
    name, flushed, renamed, then its `.listo` marker (the ventanilla, `datos-cali demo`)."""
    with _office_folder(where, organismo) as folder, open(source, "rb") as data:
        folder.write_replacing(name, data)
        folder.write_replacing(name + READY_SUFFIX, b"")
    return inbox_folder(where, organismo) / name


def _office_folder(where: Paths, organismo: str) -> SafeDir:
    """The organismo's inbox, created when missing, held by its descriptor."""
    folder = SafeDir.open(where.inbox, organismo, create=True)
    assert folder is not None  # created
    return folder


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
