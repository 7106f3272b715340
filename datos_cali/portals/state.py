""" "Last published" per dataset and portal: the asset id and the row hashes the portal confirmed.

Written only after verification, atomically (new Parquet file, then the manifest that points to it
is swapped in with `os.replace`), so a crash leaves the previous good state. A per-dataset file
lock keeps two runs of the same dataset from interleaving their writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from datos_cali.portals.diff import HASH_VERSION, Snapshot

LOCK_BUSY = (
    "Otra ejecución está publicando «{slug}» en {portal}; se esperó {seconds:.0f} s. "
    "Intente de nuevo cuando termine."
)


class DatasetBusy(Exception):
    pass


@dataclass
class Published:
    asset_id: str
    published_at: dt.datetime
    source_sha256: str | None
    rows: int
    snapshot: Snapshot | None  # None when hashes are of another HASH_VERSION


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class PublicationState:
    def __init__(self, root: Path, portal_key: str):
        self.folder = Path(root) / "published" / portal_key.replace("/", "_").replace(":", "_")
        self.folder.mkdir(parents=True, exist_ok=True)

    # --- asset ids ---------------------------------------------------------------------------

    def _assets_path(self) -> Path:
        return self.folder / "assets.json"

    def asset_id(self, slug: str) -> str | None:
        path = self._assets_path()
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8")).get(slug)

    def known_asset(self, slug: str) -> str | None:
        """The asset made for `slug` on this portal, created or published (no hashes read)."""
        manifest_path = self.folder / f"{slug}.json"
        if found := self.asset_id(slug):
            return found
        if manifest_path.exists():
            return json.loads(manifest_path.read_text(encoding="utf-8"))["asset_id"]
        return None

    def remember_asset(self, slug: str, asset_id: str) -> None:
        """Called right after creation: the asset exists but is not public yet."""
        with self._locked(".assets.lock", wait=60):
            path = self._assets_path()
            assets = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
            assets[slug] = asset_id
            _write_atomically(path, json.dumps(assets, indent=2, sort_keys=True).encode())
        self._set_unpublished(slug, True)

    # --- created but not yet public (a crash between creation and publication) ---------------

    def _unpublished_path(self) -> Path:
        return self.folder / "unpublished.json"

    def is_unpublished(self, slug: str) -> bool:
        path = self._unpublished_path()
        return path.exists() and slug in json.loads(path.read_text(encoding="utf-8"))

    def mark_public(self, slug: str) -> None:
        self._set_unpublished(slug, False)

    def _set_unpublished(self, slug: str, pending: bool) -> None:
        with self._locked(".assets.lock", wait=60):
            path = self._unpublished_path()
            pending_slugs = (
                set(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else set()
            )
            if (slug in pending_slugs) == pending:
                return
            pending_slugs = pending_slugs | {slug} if pending else pending_slugs - {slug}
            _write_atomically(path, json.dumps(sorted(pending_slugs)).encode())

    # --- last published ----------------------------------------------------------------------

    def last(self, slug: str) -> Published | None:
        manifest_path = self.folder / f"{slug}.json"
        if not manifest_path.exists():
            return None
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        snapshot = None
        if manifest.get("hash_version") == HASH_VERSION:
            table = pq.read_table(self.folder / manifest["hashes_file"])
            hashes = table.column("hash").to_numpy().astype(np.uint64)
            keys = (
                table.column("key")  # Arrow text: no Python object per row
                if "key" in table.column_names
                else None
            )
            snapshot = Snapshot(hashes, keys)
        return Published(
            asset_id=manifest["asset_id"],
            published_at=dt.datetime.fromisoformat(manifest["published_at"]),
            source_sha256=manifest.get("source_sha256"),
            rows=manifest["rows"],
            snapshot=snapshot,
        )

    def record(self, slug: str, published: Published) -> None:
        """Called only after the portal confirmed the rows (verification passed)."""
        previous = self.folder / f"{slug}.json"
        old_file = None
        if previous.exists():
            old_file = json.loads(previous.read_text(encoding="utf-8")).get("hashes_file")
        columns = {"hash": pa.array(published.snapshot.hashes, pa.uint64())}
        if published.snapshot.key_array is not None:
            columns["key"] = published.snapshot.key_array
        hashes_file = f"{slug}.{uuid.uuid4().hex[:12]}.parquet"
        tmp = self.folder / f".{hashes_file}.tmp"
        pq.write_table(pa.table(columns), tmp)
        os.replace(tmp, self.folder / hashes_file)
        manifest = {
            "asset_id": published.asset_id,
            "published_at": published.published_at.isoformat(),
            "source_sha256": published.source_sha256,
            "rows": published.rows,
            "hash_version": HASH_VERSION,
            "hashes_file": hashes_file,
        }
        _write_atomically(previous, json.dumps(manifest, indent=2).encode())
        if old_file and old_file != hashes_file:
            (self.folder / old_file).unlink(missing_ok=True)

    # --- one writer per dataset --------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self, name: str, *, wait: float) -> Iterator[None]:
        path = self.folder / name
        with open(path, "a+b") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise DatasetBusy(name) from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    @contextlib.contextmanager
    def writing(self, slug: str, *, wait: float = 600) -> Iterator[None]:
        """Hold the dataset's lock while publishing; raises `DatasetBusy` after `wait` seconds."""
        try:
            with self._locked(f"{slug}.lock", wait=wait):
                yield
        except DatasetBusy:
            raise DatasetBusy(
                LOCK_BUSY.format(slug=slug, portal=self.folder.name, seconds=wait)
            ) from None
