"""Aggregated sensitive data: counts from 1 to 4 can point at the people behind them.

The catalog names the count columns and the treatment (`privacy.small_cells`): `warn` publishes
with a warning, `block` stops the publication until the cells are grouped or suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from datos_cali.catalog.models import Dataset
from datos_cali.findings import Finding, Kind, Severity, first_rows
from datos_cali.quality import messages

SMALLEST, LARGEST = 1, 4


def small_cells(
    frame: pd.DataFrame, row_numbers: np.ndarray, dataset: Dataset, headers: dict[str, str]
) -> list[Finding]:
    declared = dataset.privacy.small_cells
    if declared is None:
        return []
    findings = []
    for column in declared.columns:
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        small = ((values >= SMALLEST) & (values <= LARGEST)).fillna(False).to_numpy(dtype=bool)
        count = int(small.sum())
        if not count:
            continue
        findings.append(
            Finding(
                kind=Kind.PII,
                code="celdas_pequenas",
                severity=Severity(declared.treatment),
                column=column,
                count=count,
                rows=first_rows(np.asarray(row_numbers)[small]),
                message=messages.SMALL_CELLS.format(
                    count=count,
                    filas=messages.rows_word(count),
                    header=headers.get(column, column),
                ),
            )
        )
    return findings
