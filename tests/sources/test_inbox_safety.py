"""Nothing in an inbox makes a run read or write outside it (issue 18, item 2).

Each attack of the adversarial review, with links the test makes: a report name pointing at a
file outside (the ledger, in the review), `procesados` and `reemplazados` pointing elsewhere, a
file swapped for a link between the check and the open, a link, a pipe or a script as the
submission, and the organismo's folder itself a link.
"""

from __future__ import annotations

import os
import time

import pytest

from datos_cali.catalog import load_catalog
from datos_cali.pipeline import run_dataset
from datos_cali.settings import paths
from datos_cali.sources import NothingNew
from datos_cali.sources.inbox import _take, _waiting
from datos_cali.sources.safedir import SafeDir, UnsafeEntry
from tests.pipeline.conftest import IMAE

BAD = "Año;Mes;Índice (2015=100);Variación anual (%)\r\n2016;enero;cien;\r\n".encode("cp1252")
SECRET = b"SQLite format 3\x00 the ledger, precious"


@pytest.fixture
def outside(tmp_path):
    """A folder outside every inbox, with a precious file in it."""
    folder = tmp_path / "fuera"
    folder.mkdir()
    (folder / "ledger.db").write_bytes(SECRET)
    return folder


def _staged() -> list:
    """Private copies the runs made (`<state>/recepcion`): none may be left behind."""
    folder = paths().state / "recepcion"
    return list(folder.iterdir()) if folder.exists() else []


def _dataset(slug: str):
    return load_catalog(paths().catalog).datasets[slug]


def _archived() -> list:
    root = paths().archive / "sha256"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_report_name_linked_outside_is_replaced_and_its_target_untouched(
    mini, session, ledger, outside
):
    slug = mini.add("imae-informe-enlace", {"kind": "inbox", "pattern": "IMAE*"})
    dropped = mini.drop_in_inbox(data=BAD)
    report = dropped.with_name("IMAE_Cali.csv.informe.txt")
    report_json = dropped.with_name("IMAE_Cali.csv.informe.json")
    report.symlink_to(outside / "ledger.db")
    report_json.symlink_to(outside / "ledger.db")
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "rejected"
    assert (outside / "ledger.db").read_bytes() == SECRET  # the target was never written
    assert not report.is_symlink() and "NO se publicó" in report.read_text(encoding="utf-8")
    assert not report_json.is_symlink() and '"publishable": false' in report_json.read_text()
    assert sorted(p.name for p in outside.iterdir()) == ["ledger.db"]


def test_a_procesados_link_is_refused_and_the_file_is_not_moved_there(
    mini, session, ledger, outside
):
    slug = mini.add("imae-procesados-enlace", {"kind": "inbox", "pattern": "IMAE*"})
    dropped = mini.drop_in_inbox()
    (dropped.parent / "procesados").symlink_to(outside, target_is_directory=True)
    run = run_dataset(slug, session, ledger)  # published, and no traceback at the end
    assert run.outcome == "published"
    assert sorted(p.name for p in outside.iterdir()) == ["ledger.db"]  # nothing moved there
    assert dropped.read_bytes() == IMAE.read_bytes()  # stays in the inbox


def test_a_reemplazados_link_is_refused_and_nothing_moves_there(mini, session, ledger, outside):
    slug = mini.add("imae-reemplazados-enlace", {"kind": "inbox", "pattern": "IMAE*"})
    older = mini.drop_in_inbox("IMAE_enero.csv")
    time.sleep(0.05)
    mini.drop_in_inbox("IMAE_febrero.csv")
    (older.parent / "reemplazados").symlink_to(outside, target_is_directory=True)
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "failed" and "enlace simbólico" in run.message
    assert sorted(p.name for p in outside.iterdir()) == ["ledger.db"] and older.exists()
    assert not _staged()  # no private copy left behind


def test_a_file_swapped_for_a_link_between_the_check_and_the_open_is_refused(mini, outside):
    mini.add("imae-carrera", {"kind": "inbox", "pattern": "IMAE*"})
    dropped = mini.drop_in_inbox()
    folder = SafeDir.open(paths().inbox, "planeacion")
    with folder:
        [seen] = _waiting(folder, "IMAE*")  # the check: a plain file
        dropped.unlink()  # the swap, in the window the review hit 1 time in 300
        dropped.symlink_to(outside / "ledger.db")
        with pytest.raises(UnsafeEntry, match="no es un archivo normal"):
            _take(folder, seen, paths(), _dataset("imae-carrera"))
    assert not _staged()  # nothing copied from outside


def test_a_file_replaced_after_the_check_is_not_taken(mini):
    mini.add("imae-carrera", {"kind": "inbox", "pattern": "IMAE*"})
    dropped = mini.drop_in_inbox()
    with SafeDir.open(paths().inbox, "planeacion") as folder:
        [seen] = _waiting(folder, "IMAE*")
        dropped.unlink()
        dropped.write_bytes(b"otro contenido")  # another inode under the same name
        with pytest.raises(NothingNew):
            _take(folder, seen, paths(), _dataset("imae-carrera"))


def test_a_linked_submission_a_pipe_and_a_script_are_refused_unread(mini, session, ledger, outside):
    slug = mini.add("imae-raros", {"kind": "inbox", "pattern": "IMAE*"})
    folder = paths().inbox / "planeacion"
    folder.mkdir(parents=True)
    for name, make, says in (
        ("IMAE_enlace.csv", lambda p: p.symlink_to(outside / "ledger.db"), "enlace simbólico"),
        ("IMAE_tuberia.csv", os.mkfifo, "no es un archivo normal"),
        ("IMAE_dic.sh", lambda p: p.write_bytes(IMAE.read_bytes()), "no es un archivo de datos"),
    ):
        path = folder / name
        make(path)
        run = run_dataset(slug, session, ledger)  # a pipe never blocks the run
        assert run.outcome == "failed" and says in run.message, run.message
        path.unlink()
    assert not _archived() and not [e for e in session.local.request_log() if e.method != "GET"]


def test_an_organismo_folder_that_is_a_link_is_refused(mini, session, ledger, outside):
    slug = mini.add("imae-carpeta-enlace", {"kind": "inbox", "pattern": "IMAE*"})
    (outside / "IMAE_Cali.csv").write_bytes(IMAE.read_bytes())
    paths().inbox.mkdir(parents=True)
    (paths().inbox / "planeacion").symlink_to(outside, target_is_directory=True)
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "failed" and "enlace simbólico" in run.message
    assert not _archived() and (outside / "IMAE_Cali.csv").exists()
