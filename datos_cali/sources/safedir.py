"""An inbox folder touched only through directory descriptors, never through paths.

The pipeline runs as root and the organismos write into their inboxes: any path it follows
there could have been replaced by a symbolic link to the ledger, or to `/etc`. So a folder is
opened once with `O_DIRECTORY | O_NOFOLLOW`, and everything inside it is done relative to that
descriptor (`dir_fd`): files are opened with `O_NOFOLLOW | O_NONBLOCK` and checked to be regular
files on the descriptor itself (`fstat`, after the open: no check-then-open race), subfolders
(`procesados/`, `reemplazados/`) are opened the same way, reports are written to a fresh
temporary name (`O_CREAT | O_EXCL`) and renamed over their final name (a link or hard link
there is replaced, never written through), and files move with `rename` between two folder
descriptors. A symbolic link, a FIFO, a device or a socket anywhere in the tree is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from datos_cali.sources.base import SourceError

LINKED_FOLDER = (
    "La carpeta «{name}» de la bandeja es un enlace simbólico o no es una carpeta; por "
    "seguridad no se usa. La oficina debe reemplazarla por una carpeta normal."
)
NOT_REGULAR = "«{name}» no es un archivo normal (es un enlace, una tubería o un dispositivo)."
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class UnsafeEntry(SourceError):
    """Something in the inbox tree is a link or a special file: refused, nothing followed."""


@dataclass(frozen=True)
class Seen:
    """An entry as listed: its name and its own `lstat` (never its target's)."""

    name: str
    stat: os.stat_result

    @property
    def regular(self) -> bool:
        return stat.S_ISREG(self.stat.st_mode)


def same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """The same inode, with the same size and modification time (nothing changed in between)."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (
        b.st_dev,
        b.st_ino,
        b.st_size,
        b.st_mtime_ns,
    )


class SafeDir:
    """One folder, held by its descriptor; close it (or use `with`)."""

    def __init__(self, fd: int, label: str):
        self.fd = fd
        self.label = label  # for messages only; never opened

    @classmethod
    def open(cls, parent: Path, name: str, *, create: bool = False) -> SafeDir | None:
        """`parent/name` (the parent is the office's own folder); None when it does not exist.

        `name` itself must be a real folder: a link there is refused."""
        parent_fd = os.open(parent, _DIR_FLAGS & ~os.O_NOFOLLOW) if parent.is_dir() else None
        if parent_fd is None:
            if not create:
                return None
            parent.mkdir(parents=True, exist_ok=True)
            parent_fd = os.open(parent, _DIR_FLAGS & ~os.O_NOFOLLOW)
        try:
            return SafeDir(parent_fd, str(parent)).child(name, create=create)
        finally:
            os.close(parent_fd)

    def child(self, name: str, *, create: bool = False) -> SafeDir | None:
        """A subfolder by descriptor; None when missing (and not `create`); links refused."""
        if create:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, mode=0o775, dir_fd=self.fd)
        try:
            fd = os.open(name, _DIR_FLAGS, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise UnsafeEntry(LINKED_FOLDER.format(name=name)) from None
            raise
        return SafeDir(fd, f"{self.label}/{name}")

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> SafeDir:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def entries(self) -> Iterator[Seen]:
        """Every entry with its own lstat (a link is seen as a link)."""
        with os.scandir(self.fd) as listing:
            for entry in listing:
                try:
                    yield Seen(entry.name, entry.stat(follow_symlinks=False))
                except FileNotFoundError:  # gone while listing
                    continue

    def lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def open_regular(self, name: str) -> tuple[int, os.stat_result]:
        """Open a regular file for reading without following a link (a file swapped for a link
        after it was listed fails here, `ELOOP`) and check what was opened, not the name."""
        try:
            fd = os.open(name, _READ_FLAGS, dir_fd=self.fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
                raise UnsafeEntry(NOT_REGULAR.format(name=name)) from None
            raise
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            os.close(fd)
            raise UnsafeEntry(NOT_REGULAR.format(name=name))
        os.set_blocking(fd, True)
        return fd, found

    def write_replacing(self, name: str, data: bytes | BinaryIO) -> None:
        """Write `name` as a new file (bytes, or a binary file streamed): to a fresh hidden name
        first, flushed, then renamed over it, so whatever `name` was (a link to the ledger, a
        hard link) is replaced, never written through, and no reader sees half of it."""
        temporary = f".{name}.{secrets.token_hex(6)}.tmp"
        fd = os.open(temporary, _WRITE_FLAGS, 0o664, dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out, 1024 * 1024)
                out.flush()
                os.fsync(out.fileno())
            existing = self.lstat(name)
            if existing is not None and stat.S_ISDIR(existing.st_mode):
                raise UnsafeEntry(NOT_REGULAR.format(name=name))
            os.rename(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=self.fd)
            raise

    def move(self, name: str, to: SafeDir, new_name: str) -> None:
        """Rename an entry into another folder held open (a rename never follows links)."""
        os.rename(name, new_name, src_dir_fd=self.fd, dst_dir_fd=to.fd)

    def unlink(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=self.fd)
