"""Receive an uploaded file: the multipart body streamed to disk, checked as it arrives, archived.

The body is parsed chunk by chunk (python-multipart); the file part goes straight to a
temporary file in `<state>/ventanilla/entrantes/`, so memory stays flat whatever the size. The
small fields come first in the form (the CSRF token, the dataset): they are checked *before*
a byte of the file is written. Refused with a Spanish message, before anything is kept:
a body over the size limit (by its declared length, or as soon as it grows past it), a name
that is not a plain file name with a table's extension, and contents that are not a table
(the reader's own format sniffing on the first bytes). Then the file is archived by SHA-256
(`datos_cali.archive`, exactly like an inbox submission) and the temporary file removed.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import anyio
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from datos_cali import archive
from datos_cali.reading import ReadError
from datos_cali.reading.sniff import container_format, detect_encoding
from datos_cali.spanish import decimal

ALLOWED_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx")
MAX_NAME = 180
MAX_FIELD = 4096
MAX_FIELDS = 10
SNIFF_BYTES = 64 * 1024
DRAIN_LIMIT = 64 * 1024 * 1024  # past this, a refused body is cut instead of read
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

NOT_MULTIPART = "El formulario no llegó completo. Vuelva a elegir el archivo y envíelo de nuevo."
TOO_LARGE = "El archivo supera el tamaño máximo de {limit}. Divídalo o comprímalo en .xlsx."
NO_FILE = "No se recibió ningún archivo. Elija uno con el botón «Elegir archivo» o arrástrelo."
EMPTY = "El archivo está vacío (0 bytes)."
BAD_NAME = "El nombre del archivo «{name}» no es válido: {why}."
WRONG_EXTENSION = "Solo se reciben tablas en CSV (.csv, .txt, .tsv) o Excel (.xlsx), no «{ext}»."
NOT_A_TABLE = "El archivo «{name}» no es una tabla: {why}"
ZIP_NOT_XLSX = "El archivo es un comprimido ZIP pero su nombre no termina en .xlsx."
FIELD_TOO_LONG = "Un campo del formulario es demasiado largo."
BROKEN = "El envío se interrumpió antes de terminar. Vuelva a intentarlo."


def size_words(n_bytes: int) -> str:
    """«600 MB», «1,5 MB»: sizes as people here write them (1 MB = 1024² bytes)."""
    megabytes = n_bytes / 1024**2
    return f"{decimal(megabytes, 0 if megabytes == int(megabytes) else 1)} MB"


class UploadRefused(Exception):
    """The upload is refused; the message says why, in Spanish, and `status` is the HTTP code."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class ReceivedUpload:
    fields: dict[str, str]
    file_name: str
    archived: archive.ArchivedFile


def check_name(raw: str) -> str:
    """The file name as sent, if it is a plain name of a table; else `UploadRefused`."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    shown = _CONTROL.sub("?", name)[:80]
    if not name:
        raise UploadRefused(NO_FILE)
    if _CONTROL.search(name):
        raise UploadRefused(BAD_NAME.format(name=shown, why="tiene caracteres de control"))
    if PurePosixPath(name).name != name or PureWindowsPath(name).name != name:
        raise UploadRefused(BAD_NAME.format(name=shown, why="incluye una ruta de carpetas"))
    if name.startswith(".") or ".." in name:
        raise UploadRefused(BAD_NAME.format(name=shown, why="empieza por un punto o tiene «..»"))
    if len(name) > MAX_NAME:
        raise UploadRefused(BAD_NAME.format(name=shown, why=f"tiene más de {MAX_NAME} caracteres"))
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise UploadRefused(WRONG_EXTENSION.format(ext=extension or "sin extensión"))
    return name


def check_contents(head: bytes, name: str) -> None:
    """The reader's own sniffing on the first bytes: refuse what is not a table at once."""
    try:
        kind = container_format(head)
        if kind == "zip" and not name.lower().endswith(".xlsx"):
            raise UploadRefused(NOT_A_TABLE.format(name=name, why=ZIP_NOT_XLSX))
        if kind == "text":
            detect_encoding(head)
    except ReadError as exc:
        raise UploadRefused(NOT_A_TABLE.format(name=name, why=exc.finding.message)) from None


class _Receiver:
    """The multipart callbacks: small fields in memory, the one file part to disk."""

    def __init__(self, folder: Path, max_bytes: int, on_fields: Callable[[dict], None]):
        self.folder = folder
        self.max_bytes = max_bytes
        self.on_fields = on_fields
        self.fields: dict[str, str] = {}
        self.file_name: str | None = None
        self.file_path: Path | None = None
        self.size = 0
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._name: str | None = None
        self._is_file = False
        self._buffer = bytearray()
        self._handle = None
        self._head = bytearray()
        self._sniffed = False
        self.error: UploadRefused | None = None

    # python-multipart callbacks (called synchronously from `write`)
    def on_part_begin(self) -> None:
        self._headers, self._buffer, self._is_file = {}, bytearray(), False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            self._is_file = True
            if self.file_name is not None:  # one file per upload
                raise UploadRefused(NOT_MULTIPART)
            self.on_fields(dict(self.fields))  # CSRF and choices, before any byte is kept
            self.file_name = check_name(options[b"filename"].decode("utf-8", "replace"))
            self.folder.mkdir(parents=True, exist_ok=True)
            descriptor, name = tempfile.mkstemp(dir=self.folder, prefix="subida-", suffix=".part")
            self.file_path = Path(name)
            self._handle = os.fdopen(descriptor, "wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._is_file:
            self._buffer += data[start:end]
            if len(self._buffer) > MAX_FIELD:
                raise UploadRefused(FIELD_TOO_LONG)
            return
        chunk = data[start:end]
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise UploadRefused(TOO_LARGE.format(limit=size_words(self.max_bytes)), status=413)
        if not self._sniffed:
            self._head += chunk
            if len(self._head) >= SNIFF_BYTES:
                self._sniff()
        self._handle.write(chunk)

    def on_part_end(self) -> None:
        if self._is_file:
            if not self._sniffed:
                self._sniff()
            self._handle.close()
            self._handle = None
        elif self._name:
            if len(self.fields) >= MAX_FIELDS:
                raise UploadRefused(NOT_MULTIPART)
            self.fields[self._name] = self._buffer.decode("utf-8", "replace")

    def _sniff(self) -> None:
        self._sniffed = True
        if not self._head:
            raise UploadRefused(EMPTY)
        check_contents(bytes(self._head[:SNIFF_BYTES]), self.file_name or "")
        self._head = bytearray()

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self.file_path is not None:
            self.file_path.unlink(missing_ok=True)


async def receive_upload(
    request: Request,
    *,
    folder: Path,
    max_bytes: int,
    on_fields: Callable[[dict], None],
    origin: dict,
) -> ReceivedUpload:
    """Stream the request's multipart body to disk and archive its file; `on_fields` sees the
    small fields before the file and may raise to refuse (it must raise `UploadRefused` or the
    caller's own exception)."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadRefused(NOT_MULTIPART)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise UploadRefused(TOO_LARGE.format(limit=size_words(max_bytes)), status=413)
    receiver = _Receiver(folder, max_bytes, on_fields)
    callbacks = {
        name: getattr(receiver, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    parser = MultipartParser(boundary, callbacks)
    refused: Exception | None = None
    drained = 0
    try:
        async for chunk in request.stream():
            if refused is None:
                try:
                    parser.write(chunk)
                except Exception as exc:  # refused mid-stream: stop keeping, keep reading
                    refused = exc
                    receiver.discard()
            else:  # read what the browser is still sending, so it gets the answer, not a reset
                drained += len(chunk)
                if drained > DRAIN_LIMIT:
                    break
        if refused is not None:
            raise refused
        parser.finalize()
        if receiver.file_path is None or receiver._handle is not None:
            raise UploadRefused(NO_FILE if receiver.file_path is None else BROKEN)
        kept = {**origin, "file_name": receiver.file_name}
        archived = await anyio.to_thread.run_sync(
            lambda: archive.archive_file(receiver.file_path, origin=kept)
        )
    except ClientDisconnect:
        raise UploadRefused(BROKEN) from None
    except MultipartParseError:
        raise UploadRefused(NOT_MULTIPART) from None
    finally:
        receiver.discard()
    return ReceivedUpload(receiver.fields, receiver.file_name, archived)
