"""The engine builds the next chunk while the portal handles the current one (`prefetched`):
same chunks, same order, errors raised in place, nothing left running when the writer stops."""

from __future__ import annotations

import threading
import time

import pytest

from datos_cali.portals.engine import prefetched


def test_chunks_come_in_order_and_are_built_ahead():
    built: list[int] = []

    def chunks():
        for n in range(5):
            built.append(n)
            yield [{"n": n}]

    seen = []
    for chunk in prefetched(chunks()):
        time.sleep(0.05)  # the portal's time: the helper builds the next chunk meanwhile
        seen.append(chunk[0]["n"])
        assert len(built) >= min(len(seen) + 1, 5)  # one chunk ahead, never more than needed
    assert seen == [0, 1, 2, 3, 4]


def test_an_error_while_building_is_raised_after_the_chunks_before_it():
    def chunks():
        yield [{"n": 0}]
        raise RuntimeError("la fuente se cortó")

    got = []
    with pytest.raises(RuntimeError, match="la fuente se cortó"):
        for chunk in prefetched(chunks()):
            got.append(chunk)
    assert got == [[{"n": 0}]]


def test_a_writer_that_stops_early_stops_the_builder():
    made = []

    def chunks():
        for n in range(1000):
            made.append(n)
            yield [{"n": n}]

    before = threading.active_count()
    iterator = prefetched(chunks())
    next(iterator)
    iterator.close()  # the portal refused a write: the rest is never built
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before and len(made) < 10
