"""Unicidad: every row and every column says something the others do not."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import polars as pl

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


def _repeated_rows(frame, unique_columns: set[str] = frozenset()) -> np.ndarray:
    """Rows equal to an earlier row (compared through one 64-bit hash per row). None when a
    column was validated free of repeated values and nulls: no two rows can then be equal."""
    if frame.empty or unique_columns & set(frame.columns):
        return np.zeros(len(frame), dtype=bool)
    return ~pl.Series(row_hashes(frame)).is_first_distinct().to_numpy()


def _has_values(ctx: QualityContext, column: str) -> bool:
    view = ctx.view(column)
    if view is not None:
        return bool(view.counts()[:-1].sum())
    return bool(ctx.frame[column].notna().any())


def _head(frame, column: str, rows: int) -> pd.Series:
    if isinstance(frame, pd.DataFrame):
        return frame[column].iloc[:rows].reset_index(drop=True)
    return frame.head(column, rows).reset_index(drop=True)


def _duplicate_columns(ctx: QualityContext) -> int:
    """Columns identical to an earlier one; empty columns are Completitud's business. The
    first rows are compared first (a column that repeats itself is not built for it); whole
    columns only when their starts agree."""
    frame = ctx.frame
    kept: list[tuple[str, pd.Series]] = []
    duplicates = 0
    for column in frame.columns:
        if not _has_values(ctx, column):
            continue
        head = _head(frame, column, 1000)
        same_start = [k for k, start in kept if head.dtype == start.dtype and head.equals(start)]
        if any(
            frame[column].reset_index(drop=True).equals(frame[k].reset_index(drop=True))
            for k in same_start
        ):
            duplicates += 1
        else:
            kept.append((column, head))
    return duplicates


def evaluate(ctx: QualityContext) -> Score:
    frame = ctx.frame
    rows, columns = len(frame), len(frame.columns)
    repeated = _repeated_rows(frame, ctx.unique_columns)
    duplicate_columns = _duplicate_columns(ctx)
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
