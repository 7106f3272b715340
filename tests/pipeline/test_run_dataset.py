"""A dataset's run without Prefect: inbox handling, archive first, ledger rows, rejections."""

from __future__ import annotations

import json
from pathlib import Path

from datos_cali import archive
from datos_cali.pipeline import run_dataset
from datos_cali.settings import paths
from tests.pipeline.conftest import IMAE


def test_an_inbox_submission_is_archived_published_and_moved(mini, session, ledger):
    slug = mini.add("imae-bandeja", {"kind": "inbox", "pattern": "IMAE*"})
    dropped = mini.drop_in_inbox()
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published" and run.rows == 72
    assert archive.archive_path(run.source_sha256).read_bytes() == IMAE.read_bytes()
    assert archive.verify(run.source_sha256)
    assert not dropped.exists()
    assert list((dropped.parent / "procesados").glob("*-IMAE_Cali.csv"))
    [row] = ledger.runs(dataset=slug)
    assert (row.outcome, row.target, row.rows, row.source_sha256) == (
        "published",
        "datos.gov.co",
        72,
        run.source_sha256,
    )
    assert row.created == 72 and row.portal_request_ids
    report = json.loads(Path(run.report_path).read_text(encoding="utf-8"))
    assert report["source"]["sha256"] == run.source_sha256 and report["targets"][0]["created"] == 72


def test_the_same_submission_again_publishes_nothing(mini, session, ledger):
    slug = mini.add("imae-repetido", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    run_dataset(slug, session, ledger)
    mini.drop_in_inbox()
    again = run_dataset(slug, session, ledger)
    assert again.outcome == "unchanged"
    assert [r.outcome for r in ledger.runs(dataset=slug)] == ["unchanged", "published"]


def test_the_newest_matching_file_wins(mini, session, ledger):
    import os

    slug = mini.add("imae-reciente", {"kind": "inbox", "pattern": "IMAE*"})
    old = mini.drop_in_inbox("IMAE_viejo.csv", b"basura")
    os.utime(old, (1_000_000, 1_000_000))
    mini.drop_in_inbox("IMAE_nuevo.csv")
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published"
    assert not old.exists()  # the older file is set aside, never published after this one
    [aside] = (old.parent / "reemplazados").iterdir()
    assert aside.name.endswith("-IMAE_viejo.csv") and aside.read_bytes() == b"basura"
    assert "«IMAE_viejo.csv»" in run.message and "reemplazados/" in run.message


def test_a_rejected_submission_stays_in_the_inbox_with_its_report(mini, session, ledger):
    slug = mini.add("imae-rechazo", {"kind": "inbox", "pattern": "IMAE*"})
    bad = "Año;Mes;Índice (2015=100);Variación anual (%)\r\n2016;enero;cien;\r\n2016;febrerito;100,2;\r\n"
    dropped = mini.drop_in_inbox(data=bad.encode("cp1252"))
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "rejected" and run.targets == []
    assert dropped.exists()
    text = dropped.with_name(dropped.name + ".informe.txt").read_text(encoding="utf-8")
    assert (
        "NO se publicó" in text and "que no es un número" in text and "Fila del archivo: 2" in text
    )
    assert "(hora de Colombia)" in text and "[Contrato del conjunto]" in text
    data = json.loads(dropped.with_name(dropped.name + ".informe.json").read_text(encoding="utf-8"))
    assert data["publishable"] is False
    [row] = ledger.runs(dataset=slug)
    assert (row.outcome, row.target, row.errors_count) == ("rejected", "none", 2)
    assert archive.verify(row.source_sha256)  # what was sent is kept even when rejected
    assert not [e for e in session.local.request_log() if e.method != "GET"]  # nothing written


def test_an_empty_inbox_is_recorded_as_no_new_file(mini, session, ledger):
    slug = mini.add("imae-vacio", {"kind": "inbox", "pattern": "IMAE*"})
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "no_new_file" and "No hay archivos nuevos" in run.message
    assert run.outcome.label == "sin archivo nuevo"
    [row] = ledger.runs(dataset=slug)
    assert (row.target, row.outcome) == ("none", "no_new_file")
    assert str(paths().state) not in run.message  # no server path for people to read


def test_inbox_names_match_ignoring_case(mini, session, ledger):
    slug = mini.add("imae-mayusculas", {"kind": "inbox", "pattern": "imae_cali*"})
    dropped = mini.drop_in_inbox("IMAE_CALI_Diciembre.CSV")
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published"
    assert not dropped.exists()  # processed: moved to procesados/


def test_files_matching_no_dataset_are_reported_as_unrecognised(mini, session, ledger):
    slug = mini.add("imae-extrano", {"kind": "inbox", "pattern": "IMAE*"})
    mini.add("otro-conjunto", {"kind": "inbox", "pattern": "areas_cesion*"})
    stranger = mini.drop_in_inbox("indice_actividad_dic.csv")
    mini.drop_in_inbox("Areas_Cesion_2021.csv")  # belongs to the other dataset: not a stranger
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "unrecognised" and run.outcome.label == "archivo no reconocido"
    assert "«indice_actividad_dic.csv»" in run.message and "Areas_Cesion" not in run.message
    assert ledger.runs(dataset=slug)[0].outcome == "unrecognised"
    assert stranger.exists()  # left where the organismo put it


def test_unsafe_names_in_the_inbox_are_refused(mini, session, ledger, tmp_path):
    slug = mini.add("imae-enlace", {"kind": "inbox", "pattern": "IMAE*"})
    folder = paths().inbox / "planeacion"
    folder.mkdir(parents=True)
    secret = tmp_path / "secreto.csv"
    secret.write_text("x", encoding="utf-8")
    (folder / "IMAE_enlace.csv").symlink_to(secret)
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "failed" and "enlace simbólico" in run.message
