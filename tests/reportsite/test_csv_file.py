"""`csv_file`, the report site's CSV downloads: formulas neutralised, numbers kept (issue 18)."""

from __future__ import annotations

import csv
import io

from datos_cali.reportsite import csv_file


def test_text_that_a_spreadsheet_would_run_is_prefixed_and_numbers_stay_numbers():
    data = csv_file(
        [
            {"nombre": "=1+1", "clave": "+cmd|' /C calc'!A0", "visitas": -3, "nota": "-2"},
            {"nombre": "@SUM(A1:A2)", "clave": "\tx", "visitas": 5, "nota": "\rlinea"},
            {"nombre": "Secretaría de Salud", "clave": "a-b", "visitas": 0, "nota": "-"},
        ]
    )
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the accents
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["nombre"] for r in rows] == ["'=1+1", "'@SUM(A1:A2)", "Secretaría de Salud"]
    assert [r["clave"] for r in rows] == ["'+cmd|' /C calc'!A0", "'\tx", "a-b"]
    assert [r["visitas"] for r in rows] == ["-3", "5", "0"]
    assert [r["nota"] for r in rows] == ["-2", "'\rlinea", "'-"]
