"""`pull(dataset, …) -> Pulled`: dispatch on the catalog's source kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from datos_cali.catalog.models import Dataset
from datos_cali.settings import Paths


class SourceError(Exception):
    """The source could not be read; `transient` says whether a retry may help."""

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.transient = transient


class NothingNew(Exception):
    """No submission is waiting (an empty inbox): not a failure, nothing to do."""


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


def pull(dataset: Dataset, paths: Paths) -> Pulled:
    kind = dataset.source.kind
    if kind == "inbox":
        from datos_cali.sources.inbox import pull_inbox

        return pull_inbox(dataset, paths)
    if kind == "url":
        from datos_cali.sources.remote import pull_url

        return pull_url(dataset.source.location, paths)
    if kind == "sql":
        from datos_cali.sources.database import pull_sql

        return pull_sql(dataset.source.location, dataset.source.query, paths)
    if kind == "socrata":
        from datos_cali.sources.remote import pull_socrata

        return pull_socrata(dataset.source.location, dataset.source.asset_id, paths)
    if kind == "ckan":
        from datos_cali.sources.remote import pull_ckan

        return pull_ckan(dataset.source.location, dataset.source.resource_id, paths)
    from datos_cali.sources.files import pull_file

    return pull_file(dataset.source.location, paths)
