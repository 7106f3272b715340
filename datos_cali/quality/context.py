"""Everything a criterion may look at, in one object: the data, the catalog entry, the clock.

Criteria read the context and never each other's modules: a derived criterion (Disponibilidad,
Eficiencia…) asks `ctx.score_of("actualidad")`, which evaluates it once and caches it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from datos_cali.catalog.models import Dataset, Organismo
from datos_cali.contracts.coerce import Masker, TypedColumns, TypedTable
from datos_cali.contracts.schema import Contract
from datos_cali.findings import Finding, Severity
from datos_cali.quality.model import Criterion, Evidence, Score, clamp
from datos_cali.quality.settings import QualitySettings, quality_settings
from datos_cali.reading.table import Distinct, RawTable

if TYPE_CHECKING:
    from datos_cali.quality.personal_data import PersonalData


@dataclass
class QualityContext:
    frame: pd.DataFrame | TypedColumns  # typed, contract field names (columns built on demand)
    row_numbers: np.ndarray  # file row of each frame row (header = row 1)
    raw: RawTable  # the submission as sent: every column, as text
    dataset: Dataset
    contract: Contract
    organismo: Organismo | None
    source_format: str  # "csv", "xlsx", "json", …
    now: dt.datetime
    # Last confirmed publication (the flows pass it); None in the pre-check, where Actualidad
    # measures the catalog's «fecha_emision» against the declared frequency instead.
    last_updated: dt.datetime | None = None
    personal_data: PersonalData | None = None
    contract_findings: list[Finding] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)  # field → column position in raw
    masker: Masker | None = None
    settings: QualitySettings = field(default_factory=quality_settings)
    views: dict[str, Distinct] = field(default_factory=dict)  # typed distinct values, see coerce
    unique_columns: set[str] = field(default_factory=set)  # validated free of repeats and nulls
    _scores: dict[str, Score] = field(default_factory=dict, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        typed: TypedTable,
        raw: RawTable,
        dataset: Dataset,
        contract: Contract,
        *,
        now: dt.datetime,
        last_updated: dt.datetime | None = None,
        organismo: Organismo | None = None,
        personal_data: PersonalData | None = None,
        contract_findings: Iterable[Finding] = (),
        positions: dict[str, int] | None = None,
        settings: QualitySettings | None = None,
    ) -> QualityContext:
        """`positions` (field → column in `raw`) is `match_headers`' mapping when at hand."""
        if positions is None:
            positions = {name: raw.headers.index(h) for name, h in typed.headers.items()}
        return cls(
            frame=typed.columns,
            row_numbers=np.asarray(typed.row_numbers),
            raw=raw,
            dataset=dataset,
            contract=contract,
            organismo=organismo,
            source_format=raw.source_format,
            now=now,
            last_updated=last_updated,
            personal_data=personal_data,
            contract_findings=list(contract_findings),
            positions=positions,
            masker=personal_data.masker if personal_data else None,
            settings=settings or quality_settings(),
            views=typed.views,
            unique_columns=set(typed.unique_columns),
        )

    # --- the data ---------------------------------------------------------------------------

    @property
    def num_rows(self) -> int:
        return len(self.frame)

    def kind(self, column: str) -> str:
        return self.contract.columns[column].kind

    def columns_of(self, *kinds: str) -> list[str]:
        return [c for c in self.frame.columns if self.kind(c) in kinds]

    def view(self, column: str) -> Distinct | None:
        """The typed column as distinct values and their rows, when it repeats itself."""
        return self.views.get(column)

    def raw_view(self, column: str) -> Distinct | None:
        """The cells as written, as the reader's distinct view (None if not in the file)."""
        if column not in self.positions:
            return None
        return self.raw.distinct(self.positions[column])

    def header(self, column: str) -> str:
        """The column's name as the person wrote it, for messages."""
        if column in self.positions:
            return self.raw.headers[self.positions[column]]
        return self.contract.title(column)

    def show(self, column: str, value: object) -> str:
        """A cell as it may appear in a message: masked if it could be personal data."""
        return self.masker(column, value) if self.masker else str(value)

    def pii(self) -> PersonalData:
        if self.personal_data is None:
            from datos_cali.quality.personal_data import scan_personal_data

            self.personal_data = scan_personal_data(
                self.raw, self.dataset, mapping=self.positions, contract=self.contract
            )
            self.masker = self.personal_data.masker
        return self.personal_data

    # --- scoring ----------------------------------------------------------------------------

    def memo(self, key, compute: Callable[[], object]):
        """A measurement several checks share, computed once per context."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def severity(self, key: str) -> Severity:
        return self.settings.severity(key, self.dataset.quality)

    def score(
        self,
        criterion: Criterion,
        value: float,
        evidence: Evidence,
        findings: Iterable[Finding] = (),
    ) -> Score:
        """A criterion's result with this dataset's severity and the office's threshold."""
        return Score(
            id=criterion.id,
            name=criterion.name,
            value=clamp(value),
            evidence={k: _number(v) for k, v in evidence.items()},
            formula_version=criterion.formula_version,
            provisional=criterion.provisional,
            severity=self.severity(criterion.id),
            threshold=self.settings.criteria[criterion.id].threshold,
            findings=list(findings),
        )

    def score_of(self, criterion_id: str) -> Score:
        """Evaluate a criterion once per context (derived criteria reuse their components)."""
        if criterion_id not in self._scores:
            from datos_cali.quality.criteria import BY_ID

            self._scores[criterion_id] = BY_ID[criterion_id].evaluate(self)
        return self._scores[criterion_id]


def _number(value: float | int | bool | str | np.generic) -> float | int | str:
    """Evidence is numbers (booleans become 0/1, numpy scalars plain Python numbers) and, where
    a criterion names columns, their headers as text."""
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return round(float(value), 4)
    return value
