"""Row hashes of typed frames, vectorised (polars' `hash_rows` over Arrow memory, no Python
objects): the incremental diff and the duplicate-row criterion both use them.

polars documents that its hash may change between versions, so `HASH_VERSION` carries its
version: stored hashes of another version are ignored and the next run resends every row once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

HASH_VERSION = f"2/polars-{pl.__version__}"
SEED = 20_211_206
BATCH_ROWS = 1_000_000  # bounds the extra memory of polars' string copies


def arrow_column(series: pd.Series) -> pa.ChunkedArray:
    array = series.array
    if hasattr(array, "_pa_array"):  # pyarrow-backed: zero copy
        return array._pa_array
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "M":
        return pa.chunked_array([pa.array(series.to_numpy(), pa.timestamp("ns"))])
    return pa.chunked_array([pa.array(series.to_numpy(dtype=object, na_value=None))])


def row_hashes(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> np.ndarray:
    """A 64-bit hash per row of `columns` (all by default), in frame order."""
    names = list(columns if columns is not None else frame.columns)
    if not len(frame) or not names:
        return np.zeros(len(frame), dtype=np.uint64)
    table = pa.table({name: arrow_column(frame[name]) for name in names})
    out = np.empty(len(frame), dtype=np.uint64)
    for start in range(0, len(frame), BATCH_ROWS):
        batch = pl.from_arrow(table.slice(start, BATCH_ROWS), rechunk=False)
        out[start : start + BATCH_ROWS] = batch.hash_rows(seed=SEED).to_numpy()
    return out
