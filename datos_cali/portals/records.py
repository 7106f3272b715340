"""Typed frames to portal rows, in a canonical form both sides of a comparison agree on.

Canonical values: text and url as `str`; number and money as `int`/`float`; calendar dates as
floating timestamps `"2021-03-15T00:00:00.000"` (no offset, as Socrata stores them); checkbox as
`bool`; point as a `(longitude, latitude)` tuple; missing as `None`. Adapters translate canonical
rows to their wire format and back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from datos_cali.catalog.models import Coordinates
from datos_cali.hashing import arrow_column
from datos_cali.portals.base import DatasetSpec

FLOATING_TIMESTAMP = "%Y-%m-%dT%H:%M:%S.000"


_arrow = arrow_column


def canonical_columns(frame: pd.DataFrame, spec: DatasetSpec) -> dict[str, pa.ChunkedArray]:
    """Every non-derived column as an Arrow array of canonical scalars."""
    out: dict[str, pa.ChunkedArray] = {}
    for column in spec.columns:
        if column.type == "point":
            continue
        values = _arrow(frame[column.field])
        if column.type == "calendar_date":
            # Whole seconds first: Arrow's %S prints the fraction of finer units
            # («00.000000000»), and floating timestamps carry exactly «.000».
            values = pc.cast(values, pa.timestamp("s"), safe=False)
            values = pc.strftime(values, format=FLOATING_TIMESTAMP)
        out[column.field] = values
    return out


def canonical_rows(
    frame: pd.DataFrame, spec: DatasetSpec, coordinates: Coordinates | None = None
) -> list[dict]:
    """Canonical dicts for every row of `frame` (select the rows to send before calling)."""
    table = pa.table(canonical_columns(frame, spec))
    rows = table.to_pylist()
    if coordinates is not None:
        lats = frame[coordinates.latitude].to_numpy(dtype=float, na_value=np.nan)
        lons = frame[coordinates.longitude].to_numpy(dtype=float, na_value=np.nan)
        for row, lat, lon in zip(rows, lats, lons, strict=True):
            ok = not (math.isnan(lat) or math.isnan(lon))
            row[coordinates.field] = (float(lon), float(lat)) if ok else None
    return rows


def row_keys(frame: pd.DataFrame, field: str) -> np.ndarray:
    """The row identifier of every row, as text (the way portals match rows)."""
    return np.asarray(row_key_array(frame, field).to_numpy(zero_copy_only=False), dtype=object)


def row_key_array(frame: pd.DataFrame, field: str) -> pa.Array:
    """The same keys as Arrow text: no Python object per row (5 million keys = 5 million
    str objects, about 350 MB, otherwise)."""
    keys = pc.cast(_arrow(frame[field]), pa.string())
    return keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys


def chunks(
    rows: Sequence[dict], *, max_rows: int, max_bytes: int, size_of
) -> Iterator[Sequence[dict]]:
    """Split rows by count and by approximate payload size (`size_of(row)` in bytes)."""
    start, size = 0, 0
    for position, row in enumerate(rows):
        row_size = size_of(row)
        if position > start and (position - start >= max_rows or size + row_size > max_bytes):
            yield rows[start:position]
            start, size = position, 0
        size += row_size
    if start < len(rows):
        yield rows[start:]


def number(value: Any) -> int | float:
    """A number as a portal returns it (a JSON number, or text such as "12", "1.5", "1e-07")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    return float(text) if any(c in text for c in ".eE") else int(text)


def same_value(expected, actual) -> bool:
    """Canonical comparison: numbers within float tolerance, everything else exactly."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(expected, tuple) and isinstance(actual, tuple):
        return len(expected) == len(actual) and all(
            same_value(a, b) for a, b in zip(expected, actual, strict=True)
        )
    return expected == actual


def differences(expected: dict, actual: dict, fields: Sequence[str]) -> list[str]:
    return [f for f in fields if not same_value(expected.get(f), actual.get(f))]


def payload_size(row: dict) -> int:
    """Approximate bytes of a row in a JSON body (for chunking by size, on any portal)."""
    return len(json.dumps(row, ensure_ascii=False, default=str)) + 2
