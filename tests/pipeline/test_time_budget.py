"""A file past its time budget is stopped with a finding; the run goes on (issue 18, item 3)."""

from __future__ import annotations

from datos_cali.pipeline import run_dataset
from datos_cali.settings import paths


def test_a_file_out_of_time_is_rejected_with_a_report_and_the_next_one_publishes(
    mini, session, ledger, monkeypatch
):
    slow = mini.add("imae-lento", {"kind": "inbox", "pattern": "IMAE*"})
    quick = mini.add("imae-rapido", {"kind": "inbox", "pattern": "indice*"})
    mini.drop_in_inbox("IMAE_Cali.csv")
    mini.drop_in_inbox("indice_Cali.csv")

    monkeypatch.setenv("DATOS_CALI_FILE_BUDGET_SECONDS", "0.000001")
    stopped = run_dataset(slow, session, ledger)
    assert stopped.outcome == "rejected" and not stopped.targets
    [finding] = ledger.runs(dataset=slow)[0].findings
    assert finding["code"] == "tiempo_agotado"
    report = paths().inbox / "planeacion" / "IMAE_Cali.csv.informe.txt"
    assert "La revisión del archivo se detuvo" in report.read_text(encoding="utf-8")

    monkeypatch.delenv("DATOS_CALI_FILE_BUDGET_SECONDS")  # the default: 300 s a file
    assert run_dataset(quick, session, ledger).outcome == "published"
