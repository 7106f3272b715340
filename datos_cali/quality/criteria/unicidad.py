"""Unicidad: every row and every column says something the others do not."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from datos_cali.findings import Finding, Kind, Severity, first_rows
from datos_cali.hashing import row_hashes
from datos_cali.quality import messages
from datos_cali.quality.measures import share
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

CRITERION = Criterion(
    id="unicidad",
    name="Unicidad",
    definition="Que no haya filas repetidas ni columnas que repitan a otra.",
    formula=(
        "10·(1 − filas repetidas / filas)·(1 − columnas repetidas / columnas); una fila o "
        "columna es repetida si es idéntica a una anterior (las columnas vacías no cuentan)"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


def _repeated_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows equal to an earlier row (compared through one 64-bit hash per row)."""
    if frame.empty:
        return np.zeros(len(frame), dtype=bool)
    return pd.Series(row_hashes(frame)).duplicated().to_numpy()


def _duplicate_columns(frame: pd.DataFrame) -> int:
    """Columns identical to an earlier one; empty columns are Completitud's business."""
    kept: list[pd.Series] = []
    duplicates = 0
    for column in frame.columns:
        values = frame[column]
        if not values.notna().any():
            continue
        head = values.iloc[:1000].reset_index(drop=True)
        same_start = [k for k in kept if values.dtype == k.dtype and head.equals(k.iloc[:1000])]
        if any(values.equals(k) for k in same_start):  # full comparison only when the start agrees
            duplicates += 1
        else:
            kept.append(values.reset_index(drop=True))
    return duplicates


def evaluate(ctx: QualityContext) -> Score:
    frame = ctx.frame
    rows, columns = len(frame), len(frame.columns)
    repeated = _repeated_rows(frame)
    duplicate_columns = _duplicate_columns(frame)
    repeated_rows = int(repeated.sum())
    value = (
        10
        * (1 - share(repeated_rows, rows, empty=0.0))
        * (1 - share(duplicate_columns, columns, empty=0.0))
    )
    findings = []
    if repeated_rows:
        findings.append(
            Finding(
                kind=Kind.QUALITY,
                code="filas_repetidas",
                severity=Severity.INFO,
                count=repeated_rows,
                rows=first_rows(ctx.row_numbers[repeated]),
                message=messages.REPEATED_ROWS.format(
                    count=repeated_rows, filas=messages.rows_word(repeated_rows)
                ),
            )
        )
    evidence = {
        "filas": rows,
        "filas_repetidas": repeated_rows,
        "columnas": columns,
        "columnas_repetidas": duplicate_columns,
    }
    return ctx.score(CRITERION, value, evidence, findings)
