"""Write-ahead intents and recovery, with a real process killed by SIGKILL between its portal
writes and its ledger row: the next run's ledger shows what the portal received."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from datos_cali.ledger import open_ledger
from datos_cali.pipeline import run_dataset
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths
from tests.pipeline.conftest import IMAE

# One run of the library, in a process of its own (as a worker's flow run is).
CHILD = """
import sys
from datos_cali.ledger import open_ledger
from datos_cali.pipeline import run_dataset
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths

with PortalSession(paths().state) as session, open_ledger() as ledger:
    print(run_dataset(sys.argv[1], session, ledger).outcome)
"""
PAUSE_SECONDS = 180


def start_paused(slug: str, point: str, marker: Path) -> subprocess.Popen:
    """A run of `slug` in a child process that stops at the test pause point `point`."""
    env = {**os.environ, "DATOS_CALI_TEST_PAUSE": f"{point}:{marker}"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, slug],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + PAUSE_SECONDS
    while not marker.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            out, err = child.communicate()
            raise AssertionError(f"the child never paused at {point}:\n{out}\n{err}")
        time.sleep(0.1)
    return child


def kill_9(child: subprocess.Popen) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def portal_rows(slug: str, ledger) -> int:
    """What the portal holds now, read over HTTP (a fresh session on the same portal data)."""
    [row] = [r for r in ledger.runs(dataset=slug) if r.asset_id][:1]
    with PortalSession(paths().state) as session:
        portal = session.open("datos.gov.co")
        try:
            return portal.count(row.asset_id)
        finally:
            portal.close()


def test_a_run_killed_before_its_ledger_row_is_recovered_by_the_next_run(mini, tmp_path):
    slug = mini.add("imae-matado", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    with PortalSession(paths().state) as session, open_ledger() as ledger:
        first = run_dataset(slug, session, ledger)
    assert (first.outcome, first.rows) == ("published", 72)

    # A new submission with 22 of the 72 months: the portal's table is replaced (72 go, 22 come).
    lines = IMAE.read_bytes().split(b"\r\n")
    mini.drop_in_inbox(data=b"\r\n".join(lines[:23]) + b"\r\n")
    child = start_paused(slug, "before-ledger", tmp_path / "pausado")
    try:
        with open_ledger() as ledger:
            [intent] = ledger.unfinished_intents(slug)
            assert (intent.planned_created, intent.planned_deleted, intent.expected_rows) == (
                22,
                72,
                22,
            )
            assert intent.portal == "socrata@local" and intent.source_sha256
            assert portal_rows(slug, ledger) == 22  # the portal has it; the ledger does not
            # While the paused run lives, another run leaves its intent alone: it is not dead.
            with PortalSession(paths().state) as session:
                meanwhile = run_dataset(slug, session, ledger)
            assert meanwhile.outcome == "unchanged"
            assert [r.outcome for r in ledger.runs(dataset=slug)] == ["unchanged", "published"]
    finally:
        kill_9(child)

    with PortalSession(paths().state) as session, open_ledger() as ledger:
        after = run_dataset(slug, session, ledger)
        rows = ledger.runs(dataset=slug)
        assert ledger.unfinished_intents(slug) == []
    assert after.outcome == "no_new_file"  # the inbox was settled by the run in between
    recovered = next(r for r in rows if r.outcome == "recovered")
    assert recovered.run_id == intent.run_id  # the dead run's row, at last
    assert (recovered.created, recovered.deleted, recovered.rows) == (22, 72, 22)
    assert recovered.portal == "socrata@local" and recovered.target == "datos.gov.co"
    assert recovered.source_sha256 == intent.source_sha256
    assert "lo comprobó: el portal muestra 22 filas" in recovered.error_message
    assert sorted(r.outcome for r in rows) == [
        "no_new_file",
        "published",
        "recovered",
        "unchanged",
    ]


def test_a_run_killed_before_writing_leaves_a_failed_row_and_the_next_run_publishes(mini, tmp_path):
    """Killed after its intent but before the portal write: the portal did not receive it; the
    ledger says the run was interrupted, and the next run sends the file and records it."""
    slug = mini.add("imae-a-medias", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    with PortalSession(paths().state) as session, open_ledger() as ledger:
        run_dataset(slug, session, ledger)
    lines = IMAE.read_bytes().split(b"\r\n")
    mini.drop_in_inbox(data=b"\r\n".join(lines[:31]) + b"\r\n")
    child = start_paused(slug, "after-intent", tmp_path / "pausado")
    kill_9(child)

    with PortalSession(paths().state) as session, open_ledger() as ledger:
        after = run_dataset(slug, session, ledger)
        rows = ledger.runs(dataset=slug)
        assert ledger.unfinished_intents(slug) == []
        assert portal_rows(slug, ledger) == 30
    assert (after.outcome, after.rows) == ("published", 30)
    interrupted = next(r for r in rows if r.outcome == "failed")
    assert "encontró en el portal 72 filas (se esperaban 30)" in interrupted.error_message
    assert [r.outcome for r in rows if r.outcome != "failed"] == ["published", "published"]
