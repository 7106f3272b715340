"""The office's quality settings (`quality/*.yaml`) as typed, validated models.

Parsed with `extra="forbid"` like the catalog: a misspelt key is an error, not a setting that
silently does nothing. Loaded once per file version (cached on the modification time).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from datos_cali.catalog.loader import validation_problems
from datos_cali.catalog.yamlfile import YamlError, read_yaml
from datos_cali.findings import Severity
from datos_cali.settings import paths

CRITERIA_FILE = "criterios.yaml"
PERSONAL_DATA_FILE = "datos_personales.yaml"
NAMES_FILE = "nombres_comunes.yaml"
PUBLIC_FILE = "datos_publicos.yaml"

SeverityName = Literal["block", "warn", "info"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- criterios.yaml ---------------------------------------------------------------------------


class CriterionSettings(Strict):
    weight: Annotated[float, Field(ge=0)]
    threshold: Annotated[float, Field(ge=0, le=10)]
    severity: SeverityName


class ReviewSettings(Strict):
    severity: SeverityName
    min_rows: int | None = None
    min_columns: int | None = None


class QualitySettings(Strict):
    version: int
    criteria: dict[str, CriterionSettings]
    review: dict[str, ReviewSettings]

    def severity(self, key: str, overrides: dict[str, str] | None = None) -> Severity:
        """A criterion's or review code's severity, after the dataset's own `quality:` choice."""
        if overrides and key in overrides:
            return Severity(overrides[key])
        if key in self.criteria:
            return Severity(self.criteria[key].severity)
        return Severity(self.review[key].severity)


# --- datos_personales.yaml --------------------------------------------------------------------


class TermGroup(Strict):
    category: str
    weight: Annotated[int, Field(ge=1, le=3)]
    terms: list[str]
    unless: list[str] = Field(default_factory=list)
    # When set, a term followed by other words («nombre del proyecto») matches only if one of
    # them is here («nombre del paciente»).
    person_words: list[str] = Field(default_factory=list)


class SensitiveValues(Strict):
    share: Annotated[float, Field(gt=0, le=1)]
    values: list[str] = Field(default_factory=list)
    pattern: str | None = None


class Minors(Strict):
    terms: list[str]
    age_terms: list[str]
    adult_age: int
    values: list[str] = Field(default_factory=list)  # cell values that mean «a minor»


class PersonalDataSettings(Strict):
    version: int
    columns: list[TermGroup]
    sensitive: list[TermGroup]
    sensitive_values: dict[str, SensitiveValues]
    minors: Minors
    person_titles: list[str]
    health_terms: list[str]
    phone_headers: list[str]


class NameLists(Strict):
    version: int
    given_names: list[str]
    surnames: list[str]


# --- datos_publicos.yaml ----------------------------------------------------------------------


class PublicLookalikes(Strict):
    """What looks like personal data and is public, declared once for every dataset."""

    version: int
    name_contexts: dict[str, list[str]]  # class → words before a name of a place
    interrupters: list[str]
    company_words: list[str]
    place_headers: list[str]
    number_headers: list[str]
    official_titles: list[str]
    number_contexts: list[str]
    email_domains: list[str]
    generic_mailboxes: list[str]
    phones: list[str]
    addresses: list[str]


# --- loading ----------------------------------------------------------------------------------


def _folder(folder: Path | None) -> Path:
    return Path(folder) if folder is not None else paths().quality


class SettingsFileError(ValueError):
    """A quality/*.yaml file that cannot be used; the message names the file and the line."""


@cache
def _load(kind: type[Strict], path: Path, _mtime: int) -> Strict:
    try:
        document = read_yaml(path)
    except YamlError as exc:
        raise SettingsFileError(str(exc)) from None
    try:
        return kind.model_validate(document.data)
    except ValidationError as exc:
        problems = validation_problems(path, document, exc)
        raise SettingsFileError("; ".join(str(p) for p in problems)) from None


def _settings(kind: type[Strict], name: str, folder: Path | None):
    path = (_folder(folder) / name).resolve()
    return _load(kind, path, path.stat().st_mtime_ns)


def quality_settings(folder: Path | None = None) -> QualitySettings:
    return _settings(QualitySettings, CRITERIA_FILE, folder)


def personal_data_settings(folder: Path | None = None) -> PersonalDataSettings:
    return _settings(PersonalDataSettings, PERSONAL_DATA_FILE, folder)


def name_lists(folder: Path | None = None) -> NameLists:
    return _settings(NameLists, NAMES_FILE, folder)


def public_lookalikes(folder: Path | None = None) -> PublicLookalikes:
    return _settings(PublicLookalikes, PUBLIC_FILE, folder)
