"""The personal-data gate (Ley 1581 de 2012, Ley 1712 de 2014) over a submission as sent.

`scan_personal_data(raw, dataset, mapping=..., contract=...)` scans every raw text column by name
and by value and returns `PersonalData`: the per-column scan, the findings (kind `pii`) and a
`Masker` for everything downstream that might print a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from datos_cali.catalog.models import Dataset
from datos_cali.contracts.schema import Contract
from datos_cali.findings import Finding
from datos_cali.quality.personal_data.gate import judge
from datos_cali.quality.personal_data.masker import Masker
from datos_cali.quality.personal_data.scan import SAMPLE_ROWS, ColumnScan, Scanner
from datos_cali.quality.settings import (
    NameLists,
    PersonalDataSettings,
    PublicLookalikes,
    name_lists,
    personal_data_settings,
    public_lookalikes,
)
from datos_cali.reading.table import RawTable

__all__ = ["SAMPLE_ROWS", "ColumnScan", "Masker", "PersonalData", "scan_personal_data"]


@dataclass
class PersonalData:
    columns: list[ColumnScan]
    findings: list[Finding]
    masker: Masker

    def exposed(self) -> list[ColumnScan]:
        """Published columns with personal data that the law does not make public."""
        return [c for c in self.columns if c.public_basis is None and c.published and c.weight]

    def risk_points(self) -> int:
        return sum(c.weight for c in self.exposed())

    def evidence(self) -> dict[str, int | str]:
        """What the scan counted (the «confidencialidad» evidence): numbers, and the headers of
        the columns that cost points with their points — never a cell."""
        return {
            "columnas_que_restan_puntos": "; ".join(
                f"«{c.header}» ({c.weight})" for c in self.exposed()
            )
            or "ninguna",
            "columnas_no_publicadas_con_datos_personales": sum(
                bool(c.detections) for c in self.columns if not c.published
            ),
            "columnas_revisadas": len(self.columns),
            "columnas_con_datos_personales": sum(bool(c.detections) for c in self.exposed()),
            "columnas_por_nombre": sum(c.name_match is not None for c in self.exposed()),
            "columnas_sensibles": sum(c.sensitive_category is not None for c in self.columns),
            "columnas_publicas_por_ley": sum(c.public_basis is not None for c in self.columns),
            "celdas_con_datos_personales": int(sum(len(c.hit_positions) for c in self.exposed())),
            "puntos_de_riesgo": self.risk_points(),
        }


def scan_personal_data(
    raw: RawTable,
    dataset: Dataset,
    *,
    mapping: Mapping[str, int] | None = None,
    contract: Contract | None = None,
    settings_folder: Path | None = None,
) -> PersonalData:
    """Scan `raw` (all columns, as text); `mapping` is field name → position in the file."""
    scanner = _scanner(
        personal_data_settings(settings_folder),
        name_lists(settings_folder),
        public_lookalikes(settings_folder),
    )
    columns = scanner.scan(raw, dataset, mapping or {}, contract)
    findings = judge(columns, dataset, np.asarray(raw.row_numbers))
    hidden = {key for c in columns if _hide(c) for key in (c.key, c.header)}
    masker = Masker(
        hidden, scanner.detectors, names=(scanner.names.candidates, scanner.names.is_person)
    )
    return PersonalData(columns, findings, masker)


_SCANNERS: dict[tuple[int, int, int], Scanner] = {}


def _scanner(settings: PersonalDataSettings, lists: NameLists, public: PublicLookalikes) -> Scanner:
    """One scanner (compiled patterns) per loaded settings; settings are cached per file."""
    key = (id(settings), id(lists), id(public))
    if key not in _SCANNERS or _SCANNERS[key].settings is not settings:
        _SCANNERS[key] = Scanner(settings, lists, public)
    return _SCANNERS[key]


def _hide(column: ColumnScan) -> bool:
    """Columns whose every value is masked in messages: personal by value, law or name."""
    match = column.name_match
    named = bool(match and (match.weight >= 2 or match.category == "nombre"))
    return bool(column.public_basis or column.detections or named or column.sensitive_category)
