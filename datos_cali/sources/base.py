"""What every source kind shares: its settings model, what a pull returns, how it fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from datos_cali.catalog.models import Dataset
from datos_cali.settings import Paths


class SourceError(Exception):
    """The source could not be read; `transient` says whether a retry may help."""

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.transient = transient


class NothingNew(Exception):
    """No submission is waiting (an empty inbox): not a failure, nothing to do."""


class OlderThanPublished(NothingNew):
    """The waiting file is older than the one last published: not taken unless the office says
    so (`datos-cali run CONJUNTO --permitir-anterior`)."""


class Unrecognised(NothingNew):
    """Nothing for this dataset, but the inbox holds files whose names match no dataset: the
    organismo sent something the pipeline cannot place (`files`: their names)."""

    def __init__(self, message: str, files: list[str]):
        super().__init__(message)
        self.files = files


class SourceSettings(BaseModel):
    """A source kind's keys in the catalog (`source:`), checked strictly: a misspelt key is an
    error, never a silently ignored setting."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str


@dataclass
class Pulled:
    kind: str
    uri: str  # where it came from (no credentials)
    file_name: str
    path: Path  # local bytes to archive and read
    received_at: float  # mtime or download time (epoch seconds)
    settle: Callable[[str, str | None, dict | None], None] = field(
        default=lambda outcome, text, data: None
    )  # tell the source how it ended: outcome, a Spanish report, its JSON form
    cleanup: Callable[[], None] = field(default=lambda: None)
    modified_at: float | None = None  # the file's own modification time, when it has one
    note: str | None = None  # what the source did besides (e.g. older files set aside)


S = TypeVar("S", bound=SourceSettings)


@dataclass(frozen=True)
class SourceKind(Generic[S]):
    """One kind of source: the model of its catalog keys and the function that pulls a
    submission (`pull(settings, dataset, paths)`; raises `NothingNew` or `SourceError`)."""

    settings: type[S]
    pull: Callable[[S, Dataset, Paths], Pulled]
