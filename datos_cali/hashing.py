"""Row hashes of typed frames, vectorised (polars hashes each value over Arrow memory, NumPy
combines them per row; no Python objects): the incremental diff and the duplicate-row
criterion both use them.

A row's hash combines the 64-bit hash of each of its values, column by column. A column that
repeats itself (the contract step parsed its distinct values once, see `remember_distinct`) is
hashed once per distinct value and spread to its rows with their indices: the same numbers as
hashing every cell, at the cost of the distinct values.

polars documents that its hash may change between versions, so `HASH_VERSION` carries its
version: stored hashes of another version are ignored and the next run resends every row once.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

HASH_VERSION = f"3/polars-{pl.__version__}"
SEED = 20_211_206
MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd: the combination is a bijection per column
BATCH_ROWS = 1_000_000  # bounds the extra memory of polars' string copies


def arrow_column(series: pd.Series) -> pa.ChunkedArray:
    array = series.array
    if hasattr(array, "_pa_array"):  # pyarrow-backed: zero copy
        return array._pa_array
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "M":
        return pa.chunked_array([pa.array(series.to_numpy(), pa.timestamp("ns"))])
    return pa.chunked_array([pa.array(series.to_numpy(dtype=object, na_value=None))])


# --- columns known by their distinct values ---------------------------------------------------

_DISTINCT: dict[int, tuple[weakref.ref, pa.Array, np.ndarray]] = {}


def remember_distinct(column: pa.ChunkedArray, values: pa.Array, indices: np.ndarray) -> None:
    """`column` is `values[indices]` (index `len(values)` = null). Kept while `column` lives:
    Arrow arrays never change, so the identity of the array is enough to trust it."""
    key = id(column)
    _DISTINCT[key] = (
        weakref.ref(column, lambda _ref, key=key: _DISTINCT.pop(key, None)),
        values,
        indices,
    )


def _distinct_of(column: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray] | None:
    found = _DISTINCT.get(id(column))
    if found is None or found[0]() is not column:
        return None
    return found[1], found[2]


# --- hashes -----------------------------------------------------------------------------------


def value_hashes(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The 64-bit hash of each value (nulls included), in batches of `BATCH_ROWS`."""
    out = np.empty(len(values), dtype=np.uint64)
    for start in range(0, len(values), BATCH_ROWS):
        batch = pl.Series(values.slice(start, BATCH_ROWS))
        out[start : start + BATCH_ROWS] = batch.hash(seed=SEED).to_numpy()
    return out


_HASHED: dict[int, tuple[weakref.ref, np.ndarray]] = {}


def column_hashes(column: pa.ChunkedArray, *, keep: bool = False) -> np.ndarray:
    """Each cell's value hash, through the column's distinct values when they are known.
    `keep` remembers the result while the column lives (the uniqueness check of an
    identifier, whose hashes the diff needs again)."""
    hashed = _HASHED.get(id(column))
    if hashed is not None and hashed[0]() is column:
        return hashed[1]
    distinct = _distinct_of(column)
    if distinct is None:
        hashes = value_hashes(column)
        if keep:
            key = id(column)
            ref = weakref.ref(column, lambda _ref, key=key: _HASHED.pop(key, None))
            _HASHED[key] = (ref, hashes)
        return hashes
    values, indices = distinct
    with_null = pa.concat_arrays([values, pa.nulls(1, values.type)])
    return value_hashes(with_null)[indices]


def row_hashes(frame, columns: Sequence[str] | None = None) -> np.ndarray:
    """A 64-bit hash per row of `columns` (all by default), in frame order; `frame` is a
    DataFrame or a typed table's `TypedColumns` (whose unbuilt columns stay unbuilt)."""
    names = list(columns if columns is not None else frame.columns)
    if not len(frame) or not names:
        return np.zeros(len(frame), dtype=np.uint64)
    out = np.full(len(frame), SEED, dtype=np.uint64)
    for name in names:
        out *= MULTIPLIER
        pending = None if isinstance(frame, pd.DataFrame) else frame.distinct(name)
        if pending is not None:  # a column not built yet: straight from its distinct values
            values, indices = pending
            with_null = pa.concat_arrays([values, pa.nulls(1, values.type)])
            out += value_hashes(with_null)[indices]
        else:
            out += column_hashes(arrow_column(frame[name]))
    return out


def repeated(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True for every cell whose value appears more than once (nulls equal each other), as
    pandas' `duplicated(keep=False)`; exact: 64-bit hashes find the candidates, and only the
    cells whose hashes collide are compared by value."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    chunked = values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
    hashes = pl.Series(column_hashes(chunked, keep=True))
    if hashes.n_unique() == len(hashes):  # the common answer, and much cheaper to get
        return np.zeros(len(values), dtype=bool)
    rows = np.flatnonzero(hashes.is_duplicated().to_numpy())
    subset = pd.Series(chunked.take(pa.array(rows)).to_pandas())
    found = np.zeros(len(values), dtype=bool)
    found[rows[subset.duplicated(keep=False).to_numpy()]] = True
    return found
