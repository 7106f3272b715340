"""In-process progress events, so the CLI can draw progress bars while flows run.

The library emits plain events; nothing here knows about Prefect or rich.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Listener = Callable[[str, dict], None]
_listeners: list[Listener] = []
_lock = threading.Lock()


def subscribe(listener: Listener) -> Callable[[], None]:
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def emit(kind: str, **data) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(kind, data)
