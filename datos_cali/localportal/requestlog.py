"""The request log: one entry per request, kept in the portal's SQLite file.

Tests and the reliability work read it to prove what reached the portal: which rows an upsert
carried (`row_ids`), which fault a request got, whether a write landed even though the client saw
a reset. Entries are written before the answer leaves the server, so a client that got an answer
always finds its entry. Admin endpoints (`/_portal/…`) are not logged, so reading the log does
not change it. Secrets are never logged: only whether an app token or valid credentials came
along. `at` is the portal's clock (a test's fake clock, when one is injected).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from datos_cali.localportal.store import Store

_FIELDS = (
    "id, at, method, path, query, body_bytes, status, request_id, dataset_id, rows, row_ids, "
    "fault, elapsed_ms, app_token, authenticated"
)


@dataclass
class RequestLogEntry:
    """One request. `status` 0 means no answer was sent (timeout or reset before answering);
    with fault "after_write" the status is what the write produced, though the client never
    received it."""

    id: int
    at: datetime
    method: str
    path: str
    query: str
    body_bytes: int
    status: int
    request_id: str
    dataset_id: str | None = None
    rows: int | None = None
    row_ids: list[str] = field(default_factory=list)
    fault: str | None = None
    elapsed_ms: float = 0.0
    app_token: bool = False
    authenticated: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


def _entry(row: tuple) -> RequestLogEntry:
    values = list(row)
    values[1] = datetime.fromtimestamp(values[1], UTC)
    values[10] = json.loads(values[10])
    values[13], values[14] = bool(values[13]), bool(values[14])
    return RequestLogEntry(*values)


class RequestLog:
    def __init__(self, store: Store) -> None:
        self._store = store

    def append(self, entry: RequestLogEntry) -> int:
        """Persist an entry (its `id` is ignored) and return the id it got."""
        with self._store.write() as conn:
            cursor = conn.execute(
                f"INSERT INTO request_log ({_FIELDS}) VALUES (NULL{', ?' * 14})",
                (
                    entry.at.timestamp(),
                    entry.method,
                    entry.path,
                    entry.query,
                    entry.body_bytes,
                    entry.status,
                    entry.request_id,
                    entry.dataset_id,
                    entry.rows,
                    json.dumps(entry.row_ids, ensure_ascii=False),
                    entry.fault,
                    entry.elapsed_ms,
                    int(entry.app_token),
                    int(entry.authenticated),
                ),
            )
            return int(cursor.lastrowid or 0)

    def since(self, since_id: int = 0) -> list[RequestLogEntry]:
        with self._store.read() as conn:
            rows = conn.execute(
                f"SELECT {_FIELDS} FROM request_log WHERE id > ? ORDER BY id", (since_id,)
            ).fetchall()
        return [_entry(row) for row in rows]

    def clear(self) -> None:
        with self._store.write() as conn:
            conn.execute("DELETE FROM request_log")
