"""The portal's SQLite file: schema, connections shared across server threads, transactions.

One file (`portal.sqlite` under the data folder, created 0600: it holds the credentials) keeps
everything a restart must see: views, rows, usage events, the request log and the generated
credentials. WAL mode lets readers run while a
writer commits; writers are serialised by a process-wide lock so a request's transaction never
meets SQLITE_BUSY, and each write request is exactly one transaction.
"""

from __future__ import annotations

import decimal
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_NAME = "portal.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS views (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    is_public INTEGER NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT 'unpublished',
    parent_id TEXT,
    copy_ready INTEGER NOT NULL DEFAULT 1,
    publication_group INTEGER NOT NULL,
    row_identifier TEXT,
    created_at REAL NOT NULL,
    rows_updated_at REAL NOT NULL,
    view_last_modified REAL NOT NULL,
    view_count INTEGER NOT NULL DEFAULT 0,
    download_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS views_by_parent ON views (parent_id);
CREATE TABLE IF NOT EXISTS rows (
    sid INTEGER PRIMARY KEY AUTOINCREMENT,
    view_id TEXT NOT NULL,
    row_key TEXT,
    data TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS rows_by_key ON rows (view_id, row_key);
CREATE INDEX IF NOT EXISTS rows_by_sid ON rows (view_id, sid);
CREATE TABLE IF NOT EXISTS usage_events (
    view_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS usage_by_view ON usage_events (view_id, kind, at);
CREATE TABLE IF NOT EXISTS request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    body_bytes INTEGER NOT NULL,
    status INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    dataset_id TEXT,
    rows INTEGER,
    row_ids TEXT NOT NULL,
    fault TEXT,
    elapsed_ms REAL NOT NULL,
    app_token INTEGER NOT NULL,
    authenticated INTEGER NOT NULL
);
"""


def _fold(value: object) -> str | None:
    """Case- and accent-insensitive form for `$q` (SQLite's lower() only knows ASCII)."""
    return None if value is None else str(value).casefold()


_EXACT = decimal.Context(prec=150)  # stored numbers have at most ~120 significant digits
_AVERAGE_DIGITS = decimal.Context(prec=20)


class _DecimalSum:
    """`decimal_sum(x)`: an exact sum of decimal text (SQLite's sum() goes through floats, and
    money must add up to the peso); NULL and non-numbers are skipped, an empty set is NULL."""

    def __init__(self) -> None:
        self.total: decimal.Decimal | None = None
        self.count = 0

    def step(self, value: object) -> None:
        if value is None:
            return
        try:
            number = decimal.Decimal(str(value))
        except decimal.InvalidOperation:
            return
        if not number.is_finite():
            return
        self.total = number if self.total is None else _EXACT.add(self.total, number)
        self.count += 1

    def finalize(self) -> str | None:
        return None if self.total is None else _decimal_text(self.total)


class _DecimalAverage(_DecimalSum):
    def finalize(self) -> str | None:
        if self.total is None:
            return None
        return _decimal_text(_AVERAGE_DIGITS.divide(self.total, decimal.Decimal(self.count)))


def _decimal_text(number: decimal.Decimal) -> str:
    """Plain decimal notation, as SODA writes numbers (an aggregate may outgrow the values
    a row can hold, so this does not go through `values.number_text`'s bounds)."""
    rendered = format(number.normalize(), "f")
    return "0" if rendered == "-0" else rendered


def _private_file(path: Path) -> None:
    """Create the database file (and its folder) readable by its owner only, before SQLite
    opens it: it holds the portal's credentials. SQLite gives the -wal and -shm files the
    database file's permissions; a file left 0644 by an older version is tightened too."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists() and not companion.is_symlink():
            companion.chmod(0o600)


class Store:
    """A small pool of connections to one SQLite file, safe to use from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _private_file(path)
        self._pool: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self.ensure_schema(_SCHEMA)

    def ensure_schema(self, script: str) -> None:
        """Run `CREATE … IF NOT EXISTS` statements; other API modules (CKAN) add tables so."""
        with self._write_lock, self._connection() as conn:
            conn.executescript(script)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=30.0
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.create_function("fold", 1, _fold, deterministic=True)
        conn.create_aggregate("decimal_sum", 1, _DecimalSum)
        conn.create_aggregate("decimal_avg", 1, _DecimalAverage)
        return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._pool_lock:
            conn = self._pool.pop() if self._pool else None
        if conn is None:
            conn = self._connect()
        try:
            yield conn
        finally:
            if conn.in_transaction:  # a reader left a statement open; never leak it
                conn.rollback()
            with self._pool_lock:
                self._pool.append(conn)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query in the block sees one snapshot (WAL), so a reader
        never sees half of a write that committed between two of its queries."""
        with self._connection() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._write_lock, self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def set_meta_default(self, key: str, value: str) -> str:
        """Store `value` unless the key exists; return what is stored (stable across restarts)."""
        with self.write() as conn:
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            return conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0]

    def close(self) -> None:
        """Close idle connections; later use opens new ones."""
        with self._pool_lock:
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()
