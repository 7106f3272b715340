"""The portal interface: what the publishing engine needs from any open-data portal."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PORTAL_TYPES = ("text", "number", "money", "calendar_date", "checkbox", "point", "url")


@dataclass(frozen=True)
class PortalColumn:
    field: str  # ASCII snake_case field name
    name: str  # human column name
    type: str  # one of PORTAL_TYPES
    description: str


@dataclass(frozen=True)
class DatasetSpec:
    """Everything a portal needs to create and describe a dataset, built from the catalog."""

    slug: str
    name: str
    description: str
    columns: tuple[PortalColumn, ...]
    row_identifier: str | None
    category: str
    tags: tuple[str, ...]
    license: str
    attribution: str
    organismo: str
    organismo_name: str
    frequency: str
    custom_fields: dict[str, dict[str, str]] = field(default_factory=dict)

    def column(self, name: str) -> PortalColumn:
        return next(c for c in self.columns if c.field == name)

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.columns]


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    errors: int = 0
    rows_sent: int = 0

    def add(self, other: WriteResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.errors += other.errors
        self.rows_sent += other.rows_sent


@dataclass(frozen=True)
class Usage:
    """Cumulative counters of one asset. `tracked` is False when the portal keeps none (CKAN
    without its tracking plugin): then the zeros mean «sin seguimiento», not «nadie lo usó»,
    and nothing is stored as a reading."""

    views: int
    downloads: int
    tracked: bool = True


@dataclass
class Traffic:
    """What this adapter sent: for the ledger and the incremental-publishing benchmark."""

    requests: int = 0
    bytes_sent: int = 0
    request_ids: list[str] = field(default_factory=list)


class PortalError(Exception):
    """A portal refused or failed a request; the message is Spanish and free of secrets."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        status: int | None = None,
        request_id: str | None = None,
    ):
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.request_id = request_id


class Portal(ABC):
    """One portal instance. Rows cross this interface as canonical dicts (see `records`)."""

    target: str  # the catalog's portal name, e.g. "datos.gov.co"
    key: str  # stable identity of this portal instance, for state files
    traffic: Traffic

    @abstractmethod
    def find_dataset(self, spec: DatasetSpec) -> str | None:
        """An existing asset made for this dataset (after a crash mid-creation), or None."""

    @abstractmethod
    def create_dataset(self, spec: DatasetSpec) -> str:
        """Create an unpublished, private dataset with columns, types, row id and metadata."""

    @abstractmethod
    def update_metadata(self, asset_id: str, spec: DatasetSpec) -> None:
        """Read, merge and write back: never wipe metadata the pipeline does not own."""

    @abstractmethod
    def make_public(self, asset_id: str) -> None:
        """Publish a newly created dataset and open it to the public."""

    @abstractmethod
    def upsert(self, asset_id: str, spec: DatasetSpec, rows: Sequence[dict]) -> WriteResult:
        """Insert or update rows matched by the row identifier (idempotent)."""

    @abstractmethod
    def delete(self, asset_id: str, spec: DatasetSpec, keys: Sequence[str]) -> WriteResult:
        """Delete rows by row identifier (idempotent: missing rows are ignored)."""

    @abstractmethod
    def replace(
        self, asset_id: str, spec: DatasetSpec, chunks: Iterable[Sequence[dict]], *, published: bool
    ) -> WriteResult:
        """Replace all rows so that no reader ever sees a half-replaced dataset."""

    def check_write_access(self, asset_id: str | None, spec: DatasetSpec) -> None:  # noqa: B027
        """Raise a non-transient `PortalError` (status 401/403) when these credentials may not
        write the asset (`asset_id`) or create the dataset (None) — asked before a run writes
        any of its portals, so one portal's refusal leaves the others untouched. Adapters that
        cannot tell keep this default: their refusal then comes at the first write."""

    def reshaped(self, asset_id: str) -> bool:
        """After `update_metadata`: the asset's columns no longer match the spec's, so its rows
        must be replaced whole (through `replace`) rather than changed row by row. Adapters
        whose `update_metadata` reshapes the asset in place keep this default."""
        return False

    @abstractmethod
    def count(self, asset_id: str) -> int: ...

    @abstractmethod
    def rows_by_key(self, asset_id: str, spec: DatasetSpec, keys: Sequence[str]) -> list[dict]:
        """Canonical rows for the given row-identifier values."""

    @abstractmethod
    def rows_page(self, asset_id: str, spec: DatasetSpec, offset: int, limit: int) -> list[dict]:
        """Canonical rows in portal order (insertion order)."""

    @abstractmethod
    def keys(self, asset_id: str, spec: DatasetSpec) -> list[str]:
        """Every row-identifier value on the portal (for reconciliation)."""

    @abstractmethod
    def usage(self, asset_ids: Sequence[str]) -> dict[str, Usage]:
        """Cumulative views and downloads per asset."""

    def resource_ids(self, asset_ids: Sequence[str]) -> dict[str, str]:
        """Ids of the files/tables an asset serves → the asset, for reading web-server logs
        whose download URLs name only the file (CKAN's `/datastore/dump/<resource id>`).
        Portals whose download URLs name the asset keep this default."""
        return {}

    @abstractmethod
    def dataset_url(self, asset_id: str) -> str:
        """The public page of the dataset."""

    def close(self) -> None:  # noqa: B027  (optional hook)
        """Release connections."""
