"""A time budget for the work on one file, so that no submission stalls a run or a sweep.

Python cannot stop a thread from outside (and a regular expression in C holds the GIL, so not
even a signal gets through), so the work on a file checks the clock itself at safe points:
between criteria, between columns, every few thousand rows read. The checks are cheap and do
nothing outside a budget. Past the budget the check raises `OutOfTime`; `precheck` turns it
into a blocking finding, the run records that file as rejected and goes on with the others.

The budget is the environment's `DATOS_CALI_FILE_BUDGET_SECONDS` (default 300; 0 turns it
off). Thread pools that work for the file run their tasks in a copy of the caller's context
(`contextvars.copy_context().run`), so they see the same deadline.
"""

from __future__ import annotations

import contextvars
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 300.0
BAD_BUDGET = "DATOS_CALI_FILE_BUDGET_SECONDS debe ser un número de segundos, no «{value}»."

_deadline: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "datos_cali_deadline", default=None
)


class OutOfTime(Exception):
    """The file's budget ran out at `where` (a step name, for the technical log)."""

    def __init__(self, seconds: float, where: str):
        super().__init__(f"{where}: more than {seconds:g} s")
        self.seconds = seconds
        self.where = where


def file_budget() -> float | None:
    """Seconds allowed per file, or None when turned off (`0`)."""
    value = os.environ.get("DATOS_CALI_FILE_BUDGET_SECONDS", "").strip()
    if not value:
        return DEFAULT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(BAD_BUDGET.format(value=value)) from None
    return seconds if seconds > 0 else None


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Everything inside may take `seconds` (None: no limit) before `check` raises."""
    token = _deadline.set(None if seconds is None else (time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check(where: str) -> None:
    """Raise `OutOfTime` when the current budget has run out; otherwise nothing."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        raise OutOfTime(current[1], where)
