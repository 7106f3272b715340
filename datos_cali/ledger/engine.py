"""Which database holds the ledger, and engines configured to share it safely.

SQLite by default (one file in the state folder), PostgreSQL when `DATOS_CALI_DB_URL` says so.
Several processes may write at once (Prefect workers, the CLI), so SQLite runs in WAL mode with
a busy timeout, and SQLAlchemy — not the sqlite3 module — emits BEGIN: that makes DDL
transactional (migrations are all-or-nothing) and lets writers take the lock up front
(`BEGIN IMMEDIATE`) instead of failing halfway through a transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from datos_cali.runmode import is_production, not_ready
from datos_cali.settings import paths

URL_ENV = "DATOS_CALI_DB_URL"
BUSY_TIMEOUT_S = 60.0
WAL_UNAVAILABLE = (
    "No se pudo activar el modo WAL en la base de datos del registro (modo actual: {mode}); "
    "otro proceso la mantiene bloqueada."
)
_BEGIN_MODE = "datos_cali_sqlite_begin"  # execution option read by the "begin" hook


NO_DB_URL = "falta DATOS_CALI_DB_URL (el registro de ejecuciones compartido, en PostgreSQL)"


def ledger_url() -> str:
    """`DATOS_CALI_DB_URL` when set, else `sqlite:///<state>/ledger.db` — in local mode only:
    a production worker without it would keep its history in a file nobody else reads."""
    configured = os.environ.get(URL_ENV, "").strip()
    if configured:
        return configured
    if is_production():
        raise not_ready([NO_DB_URL])
    return f"sqlite:///{paths().state / 'ledger.db'}"


def display_url(url: str | URL) -> str:
    """The URL with its password hidden: safe for logs and reports."""
    return make_url(url).render_as_string(hide_password=True)


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_ledger_engine(url: str | URL) -> Engine:
    """An engine for the ledger; for SQLite, creates the database's folder first."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, json_serializer=_to_json)
    in_memory = parsed.database in (None, "", ":memory:")
    if not in_memory:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        json_serializer=_to_json,
        **({"poolclass": StaticPool} if in_memory else {}),
    )
    _configure_sqlite(engine, wal=not in_memory)
    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the write lock from its first statement on SQLite."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection = connection.execution_options(**{_BEGIN_MODE: "IMMEDIATE"})
        with connection.begin():
            yield connection


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN, see below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if wal:
            _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_MODE, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _switch_to_wal(cursor) -> None:
    """WAL lets readers and one writer work at once; it persists in the file, so this runs once
    per database. Switching needs a moment alone with the file and SQLite does not wait for it
    (no busy handler), so retry while another process holds a lock."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal":
                mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError:
            mode = None
        if mode is not None and mode.lower() == "wal":
            return
        if time.monotonic() > deadline:
            raise sqlite3.OperationalError(WAL_UNAVAILABLE.format(mode=mode))
        time.sleep(0.02)


def _to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
