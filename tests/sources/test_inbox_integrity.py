"""A file is published only when complete, and never after a newer one (issue 18, item 1).

The files are written here, the way an organismo's copy would reach the inbox: a writer thread
half-way through a file, files cut mid-record, two months in both orders of arrival.
"""

from __future__ import annotations

import io
import os
import threading
import time

import openpyxl

from datos_cali.pipeline import run_dataset
from datos_cali.settings import paths
from tests.pipeline.conftest import IMAE

LINES = IMAE.read_bytes().splitlines(keepends=True)  # header + 72 months, cp1252, CRLF
JANUARY = b"".join(LINES[:61])  # 60 months
FEBRUARY = b"".join(LINES)  # 72 months
DAY = 86_400


def _writes(session) -> list:
    return [e for e in session.local.request_log() if e.method != "GET"]


def _drop(folder, name: str, data: bytes, mtime: float | None = None):
    """Write a file into the inbox (its arrival is now), optionally with an older mtime."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    time.sleep(0.05)  # the next file arrives later, beyond the clock's granularity
    return path


def test_a_file_still_being_written_is_not_taken_until_complete(mini, session, ledger, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_INBOX_SETTLE_SECONDS", "30")
    slug = mini.add("imae-copiando", {"kind": "inbox", "pattern": "IMAE*"})
    folder = paths().inbox / "planeacion"
    folder.mkdir(parents=True)
    target = folder / "IMAE_Cali.csv"
    half_written, go_on = threading.Event(), threading.Event()

    def writer():  # a copy in progress: half the rows, a pause, the rest
        with open(target, "wb") as out:
            out.write(b"".join(LINES[:30]))
            out.flush()
            half_written.set()
            go_on.wait(30)
            out.write(b"".join(LINES[30:]))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert half_written.wait(30)
        early = run_dataset(slug, session, ledger)  # the writer still holds the file open
    finally:
        go_on.set()
        thread.join(30)
    assert early.outcome == "no_new_file" and "todavía se está recibiendo" in early.message
    assert early.source_sha256 is None and not _writes(session)
    assert target.exists() and not (folder / "procesados").exists()  # left where it was

    (folder / "IMAE_Cali.csv.listo").write_bytes(b"")  # the sender's «done» marker
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published" and run.rows == 72  # the whole file, not its first rows
    assert not target.exists() and not (folder / "IMAE_Cali.csv.listo").exists()


def test_without_a_marker_a_file_is_taken_once_it_has_settled(mini, session, ledger, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_INBOX_SETTLE_SECONDS", "0.5")
    slug = mini.add("imae-asentado", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    assert run_dataset(slug, session, ledger).outcome == "no_new_file"
    time.sleep(0.6)
    assert run_dataset(slug, session, ledger).outcome == "published"


def test_a_marker_older_than_the_file_does_not_count(mini, session, ledger, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_INBOX_SETTLE_SECONDS", "30")
    slug = mini.add("imae-marca-vieja", {"kind": "inbox", "pattern": "IMAE*"})
    folder = paths().inbox / "planeacion"
    _drop(folder, "IMAE_Cali.csv.listo", b"", mtime=1_000_000)  # left from an earlier send
    mini.drop_in_inbox()
    assert run_dataset(slug, session, ledger).outcome == "no_new_file"


def test_a_csv_that_ends_mid_record_is_a_finding_not_a_publication(mini, session, ledger):
    slug = mini.add("imae-cortado", {"kind": "inbox", "pattern": "IMAE*"})
    data = FEBRUARY[: len(FEBRUARY) // 2]
    data = data[: data.rfind(b";") + 1]  # cut right after a delimiter: a narrower last row
    mini.drop_in_inbox(data=data)
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "rejected" and not _writes(session)
    [row] = ledger.runs(dataset=slug)
    assert [f["code"] for f in row.findings if f["severity"] == "block"] == ["archivo_cortado"]
    report = (paths().inbox / "planeacion" / "IMAE_Cali.csv.informe.txt").read_text("utf-8")
    assert "termina a mitad de una fila" in report


def test_a_csv_cut_inside_a_quoted_text_is_refused(mini, session, ledger):
    slug = mini.add("imae-comillas", {"kind": "inbox", "pattern": "IMAE*"})
    data = FEBRUARY.replace(b"2016;enero;", b'2016;"enero";', 1)
    cut = data.index(b'"enero"') + 3  # inside the quotes
    mini.drop_in_inbox(data=data[:cut])
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "rejected" and not _writes(session)
    assert "sin cerrar" in ledger.runs(dataset=slug)[0].findings[0]["message"]


def test_an_xlsx_cut_short_is_a_finding_not_a_publication(mini, session, ledger):
    slug = mini.add("imae-excel-cortado", {"kind": "inbox", "pattern": "IMAE*"})
    book = openpyxl.Workbook()
    sheet = book.active
    for line in LINES:
        sheet.append(line.decode("cp1252").rstrip("\r\n").split(";"))
    buffer = io.BytesIO()
    book.save(buffer)
    whole = buffer.getvalue()
    mini.drop_in_inbox("IMAE_Cali.xlsx", whole[: len(whole) * 2 // 3])
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "rejected" and not _writes(session)
    assert ledger.runs(dataset=slug)[0].findings[0]["code"] == "excel_danado"


def test_of_two_waiting_files_the_newest_arrival_wins_and_the_other_is_set_aside(
    mini, session, ledger
):
    slug = mini.add("imae-dos", {"kind": "inbox", "pattern": "IMAE*"})
    folder = paths().inbox / "planeacion"
    now = time.time()
    _drop(folder, "IMAE_enero.csv", JANUARY, mtime=now - 30 * DAY)
    _drop(folder, "IMAE_febrero.csv", FEBRUARY, mtime=now)
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published" and run.rows == 72
    assert "«IMAE_enero.csv»" in run.message and "reemplazados/" in run.message
    assert [p.name.split("-", 1)[1] for p in (folder / "reemplazados").iterdir()] == [
        "IMAE_enero.csv"
    ]
    after = run_dataset(slug, session, ledger)  # January is never published after February
    assert after.outcome == "no_new_file"
    assert [r.rows for r in ledger.runs(dataset=slug, outcome="published")] == [72]


def test_in_the_other_order_the_later_arrival_wins_too(mini, session, ledger):
    slug = mini.add("imae-dos-al-reves", {"kind": "inbox", "pattern": "IMAE*"})
    folder = paths().inbox / "planeacion"
    now = time.time()
    _drop(folder, "IMAE_febrero.csv", FEBRUARY, mtime=now)
    _drop(folder, "IMAE_enero.csv", JANUARY, mtime=now - 30 * DAY)  # sent last: a correction
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published" and run.rows == 60
    assert "«IMAE_febrero.csv»" in run.message
    assert run_dataset(slug, session, ledger).outcome == "no_new_file"


def test_a_file_older_than_the_last_published_needs_the_office_override(mini, session, ledger):
    slug = mini.add("imae-anterior", {"kind": "inbox", "pattern": "IMAE*"})
    folder = paths().inbox / "planeacion"
    now = time.time()
    _drop(folder, "IMAE_febrero.csv", FEBRUARY, mtime=now)
    assert run_dataset(slug, session, ledger).rows == 72
    writes = len(_writes(session))
    _drop(folder, "IMAE_enero.csv", JANUARY, mtime=now - 30 * DAY)  # arrives later, but older
    refused = run_dataset(slug, session, ledger)
    assert refused.outcome == "no_new_file" and "--permitir-anterior" in refused.message
    assert "anterior al último publicado" in refused.message
    assert len(_writes(session)) == writes  # nothing deleted on the portal
    assert (folder / "IMAE_enero.csv").exists()  # waits for the office's decision

    allowed = run_dataset(slug, session, ledger, allow_older=True)
    assert allowed.outcome == "published" and allowed.rows == 60
