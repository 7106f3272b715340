"""The office's quality settings (`quality/*.yaml`) as typed, validated models.

Parsed with `extra="forbid"` like the catalog: a misspelt key is an error, not a setting that
silently does nothing. Loaded once per file version (cached on the modification time).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from datos_cali.findings import Severity
from datos_cali.settings import paths

CRITERIA_FILE = "criterios.yaml"
PERSONAL_DATA_FILE = "datos_personales.yaml"
NAMES_FILE = "nombres_comunes.yaml"

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
    generic_mailboxes: list[str]


class NameLists(Strict):
    version: int
    given_names: list[str]
    surnames: list[str]
    place_words: list[str]
    company_words: list[str]
    place_columns: list[str]


# --- loading ----------------------------------------------------------------------------------


def _folder(folder: Path | None) -> Path:
    return Path(folder) if folder is not None else paths().quality


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def _load(kind: type[Strict], path: Path, _mtime: int) -> Strict:
    return kind.model_validate(_read(path))


def _settings(kind: type[Strict], name: str, folder: Path | None):
    path = (_folder(folder) / name).resolve()
    return _load(kind, path, path.stat().st_mtime_ns)


def quality_settings(folder: Path | None = None) -> QualitySettings:
    return _settings(QualitySettings, CRITERIA_FILE, folder)


def personal_data_settings(folder: Path | None = None) -> PersonalDataSettings:
    return _settings(PersonalDataSettings, PERSONAL_DATA_FILE, folder)


def name_lists(folder: Path | None = None) -> NameLists:
    return _settings(NameLists, NAMES_FILE, folder)
