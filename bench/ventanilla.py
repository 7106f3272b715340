"""A real ventanilla for the benchmarks: `datos-cali ventanilla` in its own process, clerks that
sign in and upload over HTTP, and what the server says about itself.

The server writes its access log (method, path, status, milliseconds measured inside the
server) to `<state>/logs/ventanilla.log`: that is the «server side» time. Uploads are streamed
from disk as a chunked multipart body, so the client never holds a big file either.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import requests

from bench.common import ROOT

PASSWORD = "una frase bastante larga para la prueba"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TIMED = re.compile(r"(GET|POST) (\S+) (\d{3}) (\d+) ms")
CHUNK = 1024 * 1024


def fresh(folder: Path) -> Path:
    """An empty folder (what a previous run left is removed)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`python -m datos_cali ventanilla` on a free port with a state folder of its own."""

    def __init__(self, state: Path, *, workers: int = 1):
        self.state = state
        self.workers = workers
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATOS_CALI_STATE": str(state),
            "DATOS_CALI_VENTANILLA_SECRET": "b" * 48,
            "DATOS_CALI_VENTANILLA_URL": self.url,
            "DATOS_CALI_VENTANILLA_AVISOS_S": "3600",
            "DATOS_CALI_GX": "0",
        }
        self.env.pop("DATOS_CALI_SMTP_URL", None)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.state.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "datos_cali", "ventanilla", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{self.url}/salud", timeout=5).ok:
                    return self
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("la ventanilla no arrancó")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def clerk(self, email: str, organismo: str = "salud") -> Clerk:
        """A clerk account (created with the CLI) and a signed-in session for it."""
        subprocess.run(
            [sys.executable, "-m", "datos_cali", "usuarios", "crear", email, "--nombre", email,
             "--organismo", organismo, "--clave-por-entrada"],
            input=PASSWORD + "\n", text=True, env=self.env, cwd=ROOT, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        clerk = Clerk(self.url)
        clerk.sign_in(email)
        return clerk

    def peak_rss(self) -> int:
        """The server process's peak resident memory so far (VmHWM), in bytes."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return 0

    def timings(self, *upload_ids: int, wait: float = 30) -> list[tuple[str, str, int, float]]:
        """(method, path, status, seconds) of every request, as the server measured them —
        once the verdict page of each of `upload_ids` is in the log: the server writes a
        request's line after its answer has gone, so the client may read the page first."""
        log = self.state / "logs" / "ventanilla.log"
        wanted = {f"/envios/{number}" for number in upload_ids}
        deadline = time.monotonic() + wait
        while True:
            found = []
            for line in log.read_text(encoding="utf-8").splitlines():
                match = TIMED.search(line)
                if match:
                    method, path, status, ms = match.groups()
                    found.append((method, path, int(status), int(ms) / 1000))
            logged = {path for method, path, _, _ in found if method == "GET"}
            if wanted <= logged or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


class Clerk:
    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()

    def sign_in(self, email: str) -> None:
        token = CSRF.search(self.http.get(f"{self.url}/entrar", timeout=30).text).group(1)
        answer = self.http.post(
            f"{self.url}/entrar",
            data={"csrf": token, "correo": email, "clave": PASSWORD},
            timeout=60,
        )
        answer.raise_for_status()
        self.token = CSRF.search(self.http.get(f"{self.url}/inicio", timeout=30).text).group(1)

    def upload(self, path: Path, dataset: str) -> tuple[int, float]:
        """Upload and read the verdict page: (upload id, wall seconds of both requests)."""
        boundary = uuid.uuid4().hex
        started = time.perf_counter()
        answer = self.http.post(
            f"{self.url}/enviar",
            data=_multipart(boundary, self.token, dataset, path),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            timeout=3600,
        )
        seconds = time.perf_counter() - started
        answer.raise_for_status()
        found = re.search(r"/envios/(\d+)$", answer.url)
        if found is None or "Resultado de la revisión" not in answer.text:
            raise RuntimeError(f"la subida no terminó en un veredicto: {answer.status_code}")
        return int(found.group(1)), seconds


def _multipart(boundary: str, token: str, dataset: str, path: Path) -> Iterator[bytes]:
    """The form as the browser sends it (token and dataset first), the file read in chunks."""
    for name, value in (("csrf", token), ("conjunto", dataset)):
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="archivo"; '
        f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


def upload_seconds(timings, upload_id: int) -> float:
    """Server-side seconds of one upload: the POST that analysed it and the verdict page."""
    posts = [t for t in timings if t[0] == "POST" and t[1] == "/enviar" and t[2] == 303]
    pages = [t for t in timings if t[0] == "GET" and t[1] == f"/envios/{upload_id}"]
    return posts[upload_id - 1][3] + pages[-1][3]
