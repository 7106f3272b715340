"""What changed since the last publication: per-row hashes compared by row identifier."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from datos_cali import hashing
from datos_cali.portals.base import DatasetSpec
from datos_cali.portals.records import row_key_array

HASH_VERSION = hashing.HASH_VERSION


def row_hashes(frame: pd.DataFrame, spec: DatasetSpec) -> np.ndarray:
    """A 64-bit hash of every row's published values (the point is derived from lat/lon)."""
    return hashing.row_hashes(frame, [c.field for c in spec.columns if c.type != "point"])


Keys = np.ndarray | pa.Array | pa.ChunkedArray


class Snapshot:
    """Keys and hashes of a dataset version; no keys for datasets without row identifier.

    Keys are kept as Arrow text (no Python object per row); `keys` gives them as a NumPy array
    of `str` for callers that want Python values, built on first use.
    """

    def __init__(self, hashes: np.ndarray, keys: Keys | None):
        self.hashes = hashes
        self._objects: np.ndarray | None = None
        self._arrow: pa.Array | None = None
        if isinstance(keys, pa.ChunkedArray):
            keys = keys.combine_chunks()
        if isinstance(keys, pa.Array):
            self._arrow = keys if keys.type == pa.string() else keys.cast(pa.string())
        elif keys is not None:
            self._objects = np.asarray(keys, dtype=object)

    @classmethod
    def of(cls, frame: pd.DataFrame, spec: DatasetSpec) -> Snapshot:
        keys = row_key_array(frame, spec.row_identifier) if spec.row_identifier else None
        return cls(row_hashes(frame, spec), keys)

    @property
    def keys(self) -> np.ndarray | None:
        if self._objects is None and self._arrow is not None:
            self._objects = np.asarray(self._arrow.to_numpy(zero_copy_only=False), dtype=object)
        return self._objects

    @property
    def key_array(self) -> pa.Array | None:
        if self._arrow is None and self._objects is not None:
            self._arrow = pa.array(self._objects.tolist(), pa.string())
        return self._arrow

    def same_content(self, other: Snapshot) -> bool:
        """Equal as multisets of rows (order does not matter)."""
        return len(self.hashes) == len(other.hashes) and np.array_equal(
            np.sort(self.hashes), np.sort(other.hashes)
        )


@dataclass
class ChangeSet:
    upsert_positions: np.ndarray  # frame rows to send (new or changed)
    delete_keys: list[str]  # row identifiers gone from the source
    new: int
    changed: int

    @property
    def empty(self) -> bool:
        return len(self.upsert_positions) == 0 and not self.delete_keys


def _previous_positions(current: pa.Array, previous: pa.Array) -> np.ndarray:
    """Where each current key was in the previous version (-1 = new). Rows whose key sits at
    the same position as before (a re-export in the same order: nearly every row) are matched
    with one comparison; only the rest are looked up."""
    n = min(len(current), len(previous))
    position = np.arange(len(current), dtype=np.int64)
    if n:
        same = pc.equal(current.slice(0, n), previous.slice(0, n))
        same = np.asarray(pc.fill_null(same, False).to_numpy(zero_copy_only=False), dtype=bool)
        if not same.all():
            position[:n][~same] = -1
    position[n:] = -1
    rest = np.flatnonzero(position < 0)
    if len(rest):
        found = pc.index_in(current.take(pa.array(rest)), value_set=previous)
        position[rest] = np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False))
    return position


def changes(current: Snapshot, previous: Snapshot | None) -> ChangeSet:
    """Rows to upsert and keys to delete to turn `previous` into `current` (by row identifier)."""
    assert current.key_array is not None, "incremental diffs need a row identifier"
    if previous is None or previous.key_array is None:
        everything = np.arange(len(current.hashes))
        return ChangeSet(everything, [], new=len(everything), changed=0)
    old_keys, new_keys = previous.key_array, current.key_array
    position = _previous_positions(new_keys, old_keys)
    is_new = position < 0
    is_changed = np.zeros(len(current.hashes), dtype=bool)
    known = ~is_new
    is_changed[known] = previous.hashes[position[known]] != current.hashes[known]
    kept = np.zeros(len(old_keys), dtype=bool)
    kept[position[known]] = True
    gone = old_keys.filter(pa.array(~kept))
    return ChangeSet(
        upsert_positions=np.flatnonzero(is_new | is_changed),
        delete_keys=[str(k) for k in gone.to_pylist()],
        new=int(is_new.sum()),
        changed=int(is_changed.sum()),
    )
