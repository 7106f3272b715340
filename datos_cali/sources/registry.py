"""Source kinds by the name the catalog gives them (`source.kind`).

Adding a kind is one module that defines a `SourceKind` (its settings model and its pull
function) and one line in `BUILT_IN` — or, from another package, an entry point in the group
`datos_cali.sources`. See docs/extending.md.
"""

from __future__ import annotations

from pydantic import ValidationError

from datos_cali.catalog.models import Dataset
from datos_cali.catalog.spanish import describe_validation_error
from datos_cali.registry import Registry, UnknownName
from datos_cali.settings import Paths
from datos_cali.sources.base import Pulled, SourceError, SourceKind, SourceSettings

BUILT_IN = {
    "inbox": "datos_cali.sources.inbox:KIND",
    "url": "datos_cali.sources.remote:URL",
    "socrata": "datos_cali.sources.remote:SOCRATA",
    "ckan": "datos_cali.sources.remote:CKAN",
    "sql": "datos_cali.sources.database:KIND",
    "file": "datos_cali.sources.files:KIND",
}
BAD_SETTINGS = "El origen de «{slug}» ({kind}) está mal declarado: {problems}."

KINDS: Registry[SourceKind] = Registry(
    "El tipo de origen",
    group="datos_cali.sources",
    built_in=BUILT_IN,
    check=lambda found: isinstance(found, SourceKind),
)


class SourceConfigError(SourceError):
    """The catalog's `source:` does not fit its kind (unknown kind, misspelt or missing key)."""


def settings_of(dataset: Dataset) -> SourceSettings:
    """The dataset's source settings, checked by its kind's own model."""
    try:
        kind = KINDS.get(dataset.source.kind)
    except UnknownName as exc:
        raise SourceConfigError(str(exc)) from None
    try:
        return kind.settings.model_validate(dataset.source.settings())
    except ValidationError as exc:
        problems = "; ".join(describe_validation_error(exc))
        raise SourceConfigError(
            BAD_SETTINGS.format(slug=dataset.slug, kind=dataset.source.kind, problems=problems)
        ) from None


def pull(dataset: Dataset, paths: Paths) -> Pulled:
    """The dataset's next submission, from wherever its catalog entry says."""
    settings = settings_of(dataset)
    return KINDS.get(dataset.source.kind).pull(settings, dataset, paths)
