"""The catalog as typed models: what the Transparency Office declares about each dataset.

Parsed with `extra="forbid"` so a misspelt key is an error, not a silently ignored setting.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from datos_cali.catalog.licenses import license_for

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
NAME_PATTERN = r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$"  # a registered portal or source kind
FIELD_NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Frequency(StrEnum):
    """MinTIC's update-frequency vocabulary (datos.gov.co «Frecuencia de Actualización»)."""

    DIARIA = "diaria"
    SEMANAL = "semanal"
    QUINCENAL = "quincenal"
    MENSUAL = "mensual"
    BIMESTRAL = "bimestral"
    TRIMESTRAL = "trimestral"
    CUATRIMESTRAL = "cuatrimestral"
    SEMESTRAL = "semestral"
    ANUAL = "anual"
    BIENAL = "bienal"
    NO_APLICA = "no aplica"

    @property
    def period(self) -> dt.timedelta | None:
        """How long a publication stays current; None when the dataset is never refreshed."""
        return _PERIODS[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()


_PERIODS: dict[Frequency, dt.timedelta | None] = {
    Frequency.DIARIA: dt.timedelta(days=1),
    Frequency.SEMANAL: dt.timedelta(days=7),
    Frequency.QUINCENAL: dt.timedelta(days=15),
    Frequency.MENSUAL: dt.timedelta(days=31),
    Frequency.BIMESTRAL: dt.timedelta(days=62),
    Frequency.TRIMESTRAL: dt.timedelta(days=92),
    Frequency.CUATRIMESTRAL: dt.timedelta(days=123),
    Frequency.SEMESTRAL: dt.timedelta(days=184),
    Frequency.ANUAL: dt.timedelta(days=366),
    Frequency.BIENAL: dt.timedelta(days=731),
    Frequency.NO_APLICA: None,
}


class PortalName(StrEnum):
    """The city's two portals, as the catalog names them in `targets[].portal`.

    A target names a registered portal adapter (`datos_cali.portals.registry`); these are the
    built-in ones. Another registered name is accepted too: `catalog check` and every run refuse
    a name that no adapter answers to.
    """

    DATOS_GOV_CO = "datos.gov.co"  # Socrata
    DATOS_CALI = "datos.cali.gov.co"  # CKAN


# --- the organismos -------------------------------------------------------------------------


class PlanItem(Strict):
    """One dataset an organismo committed to open in a year, with its target date."""

    dataset: Annotated[str, Field(pattern=SLUG_PATTERN)]
    due: dt.date


class Organismo(Strict):
    slug: Annotated[str, Field(pattern=SLUG_PATTERN)]
    name: str
    email: EmailStr
    plan: dict[int, list[PlanItem]] = Field(default_factory=dict)


class OrganismosFile(Strict):
    organismos: list[Organismo]


# --- sources ----------------------------------------------------------------------------------


class SourceConfig(BaseModel):
    """Where the dataset's submissions come from: `kind` names a registered source kind
    (`datos_cali.sources.registry`: inbox, url, sql, socrata, ckan, file, …) and the other keys
    are that kind's settings. Each kind checks its own keys with its own strict model, so
    `catalog check` and every run refuse an unknown kind or a misspelt key."""

    model_config = ConfigDict(extra="allow", frozen=True)

    kind: Annotated[str, Field(pattern=NAME_PATTERN)]

    def settings(self) -> dict:
        """The keys as written in the catalog, for the kind's model to check."""
        return self.model_dump()


# --- reading hints ----------------------------------------------------------------------------


class Reading(Strict):
    """Overrides for what the reader otherwise detects from the bytes."""

    sheet: str | None = None
    encoding: str | None = None
    delimiter: Literal[",", ";", "|", "\t"] | None = None
    decimal: Literal[",", "."] | None = None


# --- portal metadata --------------------------------------------------------------------------


class EntityInfo(Strict):
    """datos.gov.co custom fieldset «Información de la Entidad»."""

    departamento: str = "Valle del Cauca"
    municipio: str = "Santiago de Cali"
    orden: Literal["Nacional", "Territorial", "Departamental", "Municipal"] = "Territorial"
    sector: str
    area: str  # «Área o dependencia»


class DataInfo(Strict):
    """datos.gov.co custom fieldset «Información de Datos» (frequency comes from the dataset)."""

    cobertura_geografica: str = "Municipal"
    idioma: str = "Español"
    fecha_emision: dt.date
    url_documentacion: str | None = None
    url_normativa: str | None = None


class PortalMetadata(Strict):
    category: str
    tags: Annotated[list[str], Field(min_length=1)]
    license: str = "Creative Commons Attribution | Share Alike 4.0 International"
    attribution: str = "Alcaldía de Santiago de Cali"
    entity: EntityInfo
    data: DataInfo

    @field_validator("license")
    @classmethod
    def _license_is_known(cls, title: str) -> str:
        """Each portal stores a code for it (see `licenses`): an unknown title cannot go out."""
        license_for(title)
        return title


class Target(Strict):
    portal: Annotated[str, Field(pattern=NAME_PATTERN)]  # a registered portal, see PortalName
    asset_id: str | None = None  # set once the dataset exists on the real portal


# --- columns, privacy, coordinates ------------------------------------------------------------


class PortalType(StrEnum):
    """Socrata column types the schema's dtype alone cannot tell."""

    MONEY = "money"
    URL = "url"
    TEXT = "text"


class ColumnDoc(Strict):
    description: Annotated[str, Field(min_length=3)]
    aliases: list[str] = Field(default_factory=list)
    portal_type: PortalType | None = None


class PublicByLaw(Strict):
    """A column holding personal data that the law makes public, and the law that does."""

    column: str
    basis: Annotated[str, Field(min_length=10)]


class SmallCells(Strict):
    """Aggregated sensitive data: counts 1–4 can identify people; say what to do with them."""

    columns: Annotated[list[str], Field(min_length=1)]
    treatment: Literal["warn", "block"] = "warn"


class Privacy(Strict):
    public_by_law: list[PublicByLaw] = Field(default_factory=list)
    sensitive: bool = False  # health, ethnicity, minors…: publish only aggregated
    aggregated: bool = False
    small_cells: SmallCells | None = None


class Coordinates(Strict):
    """Latitude/longitude columns combined into a Socrata point (longitude first)."""

    latitude: str
    longitude: str
    field: Annotated[str, Field(pattern=FIELD_NAME_PATTERN)] = "ubicacion"


class Dataset(Strict):
    slug: Annotated[str, Field(pattern=SLUG_PATTERN)]
    title: Annotated[str, Field(min_length=5)]
    description: Annotated[str, Field(min_length=20)]
    organismo: Annotated[str, Field(pattern=SLUG_PATTERN)]
    source: SourceConfig
    schema_: Annotated[str, Field(alias="schema", pattern=SLUG_PATTERN)]
    row_identifier: str | None
    frequency: Frequency
    targets: Annotated[list[Target], Field(min_length=1)]
    metadata: PortalMetadata
    columns: dict[str, ColumnDoc]
    privacy: Privacy = Field(default_factory=Privacy)
    reading: Reading = Field(default_factory=Reading)
    coordinates: Coordinates | None = None
    quality: dict[str, Literal["block", "warn", "info"]] = Field(default_factory=dict)
    demo: str | None = None  # demo submission shipped in the repository (relative path)

    @field_validator("columns")
    @classmethod
    def _field_names_are_snake_case(cls, columns: dict[str, ColumnDoc]) -> dict[str, ColumnDoc]:
        bad = [name for name in columns if not re.match(FIELD_NAME_PATTERN, name)]
        if bad:
            raise ValueError(f"nombres de columna que no son snake_case ASCII: {', '.join(bad)}")
        return columns

    @model_validator(mode="after")
    def _references_are_declared_columns(self) -> Dataset:
        declared = set(self.columns)
        referenced = {
            "row_identifier": [self.row_identifier] if self.row_identifier else [],
            "privacy.public_by_law": [p.column for p in self.privacy.public_by_law],
            "privacy.small_cells": self.privacy.small_cells.columns
            if self.privacy.small_cells
            else [],
            "coordinates": [self.coordinates.latitude, self.coordinates.longitude]
            if self.coordinates
            else [],
        }
        for where, names in referenced.items():
            missing = [n for n in names if n not in declared]
            if missing:
                raise ValueError(f"{where} nombra columnas no declaradas: {', '.join(missing)}")
        portals = [t.portal for t in self.targets]
        if len(portals) != len(set(portals)):
            raise ValueError("targets repite un portal")
        return self

    @property
    def schema_name(self) -> str:
        return self.schema_

    def public_by_law(self) -> dict[str, str]:
        return {p.column: p.basis for p in self.privacy.public_by_law}
