"""No cell of a text column reaches a public output: the run's JSON report, the ledger and the
auditors' report site show positions only; the values, masked, are in the organismo's own
report beside its file.

A real run (no Prefect) rejects a file whose text columns break the contract — some of them
with personal data in free text, some with harmless words — and every public output is searched
for every planted value, also without spaces, dots or accents.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from datos_cali import messages
from datos_cali.auditsite import rebuild_after_runs
from datos_cali.pipeline import run_dataset
from datos_cali.reading.headers import strip_accents
from datos_cali.settings import paths

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo" / "riesgos-gestion-corrupcion" / "mapa_riesgos_2021.csv"
PERSONAL = ["Llamar a la señora Gómez al 311 234 56 78", "Revisado por CC-31234567"]
HARMLESS = ["Riesgo inventado X17", "Mery Viáfara Possú"]


def squeeze(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", strip_accents(text).casefold())


def submission() -> bytes:
    with DEMO.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))[:6]
    column = {name: header.index(name) for name in header}
    rows[0][column["Probabilidad"]] = PERSONAL[0]  # isin: unknown and personal
    rows[1][column["Controles"]] = PERSONAL[1]  # free text: personal
    rows[2][column["Tipo de Riesgo"]] = HARMLESS[0]  # isin: unknown, harmless
    rows[3][column["Impacto"]] = HARMLESS[1]  # isin: a name the scanner does not know
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode("utf-8")


def public_texts(run, ledger, slug: str) -> list[str]:
    texts = [Path(run.report_path).read_text("utf-8")]
    for row in ledger.runs(dataset=slug):
        texts.append(repr({k: v for k, v in vars(row).items() if not k.startswith("_")}))
    database = paths().state / "ledger.db"
    if database.exists():
        texts.append(database.read_bytes().decode("utf-8", errors="replace"))
    site = rebuild_after_runs(ledger=ledger)
    assert site is not None
    for path in site.parent.rglob("*"):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return texts


def test_a_rejected_file_shows_positions_only_in_public_outputs(mini, session, ledger):
    slug = mini.add(
        "riesgos-salidas",
        {"kind": "inbox", "pattern": "mapa*"},
        template="riesgos-gestion-corrupcion",
    )
    dropped = mini.drop_in_inbox("mapa_riesgos.csv", submission())
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "rejected"

    haystack = squeeze("\n".join(public_texts(run, ledger, slug)))
    for value in PERSONAL + HARMLESS:
        assert squeeze(value) not in haystack, f"a cell value reached a public output: {value!r}"
    assert squeeze("311 234 56 78") not in haystack and "31234567" not in haystack
    assert "p. ej. la fila" in Path(run.report_path).read_text("utf-8")  # positions instead

    own = dropped.with_name(dropped.name + ".informe.txt").read_text("utf-8")
    assert HARMLESS[0] in own  # the organismo sees its own harmless value…
    assert messages.MASKED in own  # …and its personal values masked
    assert "311 234 56 78" not in own and "31234567" not in own
