"""A file at a fixed path (relative paths are relative to the project root)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from datos_cali.catalog.models import Dataset
from datos_cali.settings import Paths
from datos_cali.sources.base import NothingNew, Pulled, SourceKind, SourceSettings

MISSING = "No existe el archivo de origen «{path}»."


class FileSettings(SourceSettings):
    """A file at a fixed path (relative paths are relative to the project root)."""

    kind: Literal["file"]
    location: str


def pull_file(settings: FileSettings, dataset: Dataset, paths: Paths) -> Pulled:
    location = settings.location
    path = Path(location)
    if not path.is_absolute():
        path = paths.root / path
    if not path.is_file():
        raise NothingNew(MISSING.format(path=path))
    return Pulled("file", f"file:{location}", path.name, path, path.stat().st_mtime)


KIND = SourceKind(FileSettings, pull_file)
