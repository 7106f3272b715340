"""The raw archive: every pulled submission, kept content-addressed before anything else runs.

"Nothing is lost": whatever an organismo sent is stored by its sha256 under
`<state>/archive/sha256/ab/cd/<sha256>`, read-only, before it is read, validated or published,
so every ledger row can point at the exact bytes it came from. Each time the same bytes arrive
again, one line is appended to `<sha256>.origins.jsonl` beside them; the bytes are never
rewritten.

Writes are crash-safe: the content is hashed while it is copied (constant memory, files may be
gigabytes) into a temp file on the same filesystem, fsynced, made read-only and only then
renamed into place with `os.replace`, so a final name always holds complete, verified bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from datos_cali.settings import paths

CHUNK_SIZE = 1024 * 1024
READ_ONLY = 0o444
ORIGINS_SUFFIX = ".origins.jsonl"
INCOMING = ".incoming"  # staging folder for temp files, inside the archive root

_SHA256 = re.compile(r"[0-9a-f]{64}")

BAD_SHA256 = "«{value}» no es un resumen SHA-256 válido (64 caracteres hexadecimales en minúscula)."
NOT_ARCHIVED = "El archivo con SHA-256 {sha256} no está en el archivo de envíos ({path})."
BAD_CHUNK = "El contenido a archivar debe llegar en bloques de bytes, no {kind}."


@dataclass(frozen=True)
class ArchivedFile:
    """Where a submission's bytes now live, and whether they had already been received."""

    sha256: str
    path: Path
    size: int
    already_present: bool


def archive_root() -> Path:
    return paths().archive / "sha256"


def archive_path(sha256: str) -> Path:
    """The final location of the bytes with this digest (whether or not they are archived)."""
    _check_sha256(sha256)
    return archive_root() / sha256[:2] / sha256[2:4] / sha256


def origins_path(sha256: str) -> Path:
    path = archive_path(sha256)
    return path.with_name(path.name + ORIGINS_SUFFIX)


def archive_file(path: Path, *, origin: dict) -> ArchivedFile:
    """Archive a file on disk, streaming it; `origin` says who sent it and how (JSON-able)."""
    with open(path, "rb") as source:
        return archive_stream(_read_chunks(source), origin=origin)


def archive_stream(chunks: Iterable[bytes], *, origin: dict) -> ArchivedFile:
    """Archive bytes as they arrive (an HTTP body, a database export) without holding them."""
    line = _origin_line(origin)  # fail on a bad origin before writing anything
    incoming = archive_root() / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=incoming, prefix="in-", suffix=".part")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                if not isinstance(chunk, bytes | bytearray | memoryview):
                    raise TypeError(BAD_CHUNK.format(kind=type(chunk).__name__))
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        final = archive_path(sha256)
        already_present = final.exists()
        if already_present:
            tmp.unlink()
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, READ_ONLY)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _append_line(origins_path(sha256), line)
    return ArchivedFile(sha256=sha256, path=final, size=size, already_present=already_present)


def open_archived(sha256: str) -> BinaryIO:
    """Open archived bytes for reading; the caller closes the file."""
    path = archive_path(sha256)
    if not path.is_file():
        raise FileNotFoundError(NOT_ARCHIVED.format(sha256=sha256, path=path))
    return open(path, "rb")


def origins(sha256: str) -> list[dict]:
    """Every time these bytes were received, oldest first."""
    path = origins_path(sha256)
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def verify(sha256: str) -> bool:
    """Re-hash the archived bytes: False when they are missing or no longer match their name."""
    path = archive_path(sha256)
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in _read_chunks(source):
            digest.update(chunk)
    return digest.hexdigest() == sha256


def _check_sha256(value: str) -> None:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise ValueError(BAD_SHA256.format(value=value))


def _read_chunks(source: BinaryIO) -> Iterator[bytes]:
    while chunk := source.read(CHUNK_SIZE):
        yield chunk


def _origin_line(origin: dict) -> bytes:
    record = {**origin, "received_at": datetime.now(UTC).isoformat()}
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
    return (text + "\n").encode("utf-8")


def _append_line(path: Path, line: bytes) -> None:
    """One `write` on an O_APPEND descriptor, so concurrent receivers never interleave lines."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
