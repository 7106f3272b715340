"""What changed since the last publication: per-row hashes compared by row identifier."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from datos_cali import hashing
from datos_cali.portals.base import DatasetSpec
from datos_cali.portals.records import row_keys

HASH_VERSION = hashing.HASH_VERSION


def row_hashes(frame: pd.DataFrame, spec: DatasetSpec) -> np.ndarray:
    """A 64-bit hash of every row's published values (the point is derived from lat/lon)."""
    return hashing.row_hashes(frame, [c.field for c in spec.columns if c.type != "point"])


@dataclass
class Snapshot:
    """Keys and hashes of a dataset version; `keys` is None for datasets without row identifier."""

    hashes: np.ndarray
    keys: np.ndarray | None

    @classmethod
    def of(cls, frame: pd.DataFrame, spec: DatasetSpec) -> Snapshot:
        keys = row_keys(frame, spec.row_identifier) if spec.row_identifier else None
        return cls(row_hashes(frame, spec), keys)

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


def changes(current: Snapshot, previous: Snapshot | None) -> ChangeSet:
    """Rows to upsert and keys to delete to turn `previous` into `current` (by row identifier)."""
    assert current.keys is not None, "incremental diffs need a row identifier"
    if previous is None or previous.keys is None:
        everything = np.arange(len(current.hashes))
        return ChangeSet(everything, [], new=len(everything), changed=0)
    old_keys = pd.Index(previous.keys, dtype=object)
    position = old_keys.get_indexer(pd.Index(current.keys, dtype=object))  # -1 = new key
    is_new = position < 0
    is_changed = np.zeros(len(current.hashes), dtype=bool)
    known = ~is_new
    is_changed[known] = previous.hashes[position[known]] != current.hashes[known]
    gone = ~old_keys.isin(pd.Index(current.keys, dtype=object))
    return ChangeSet(
        upsert_positions=np.flatnonzero(is_new | is_changed),
        delete_keys=[str(k) for k in np.asarray(previous.keys, dtype=object)[gone]],
        new=int(is_new.sum()),
        changed=int(is_changed.sum()),
    )
