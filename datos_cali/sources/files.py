"""A file at a fixed path (relative paths are relative to the project root)."""

from __future__ import annotations

from pathlib import Path

from datos_cali.settings import Paths
from datos_cali.sources.base import NothingNew, Pulled

MISSING = "No existe el archivo de origen «{path}»."


def pull_file(location: str, paths: Paths) -> Pulled:
    path = Path(location)
    if not path.is_absolute():
        path = paths.root / path
    if not path.is_file():
        raise NothingNew(MISSING.format(path=path))
    return Pulled("file", f"file:{location}", path.name, path, path.stat().st_mtime)
