"""Serve the ventanilla with uvicorn (a production ASGI server), one process or several.

Several workers (`--workers`) each run the whole app; sessions, throttling and notices live in
the database, so any worker can answer any request, and a notice is sent once however many
workers dispatch. Uvicorn's own access log is off: ours (`datos_cali.ventanilla.acceso`)
hides one-time link tokens. Logs go to `<state>/logs/ventanilla.log` and the console.
"""

from __future__ import annotations

import uvicorn

from datos_cali.settings import paths
from datos_cali.ventanilla.app import create_app

FACTORY = "datos_cali.ventanilla.server:application"
# What every ventanilla server runs with (the tests' servers too): no uvicorn access log (ours
# hides tokens), no `server` header, client addresses as the socket says (behind a proxy,
# configure the proxy to pass them and uvicorn's `forwarded_allow_ips`).
OPTIONS = {"access_log": False, "server_header": False, "proxy_headers": False}


def logging_config() -> dict:
    logs = paths().state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "plain"},
            "file": {
                "class": "logging.FileHandler",
                "formatter": "plain",
                "filename": str(logs / "ventanilla.log"),
                "encoding": "utf-8",
            },
        },
        "loggers": {
            "datos_cali.ventanilla": {"handlers": ["console", "file"], "level": "INFO"},
            "uvicorn.error": {"handlers": ["console", "file"], "level": "INFO"},
        },
    }


def application():
    """The app factory uvicorn calls in each worker process."""
    return create_app()


def serve(host: str, port: int, workers: int = 1) -> None:
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=logging_config(),
        timeout_keep_alive=30,
        **OPTIONS,
    )
