"""The office's own compliance figures for a year, as last published (the dataset
`cumplimiento-plan-apertura`): what a report of a year before the ledger can point at.

The figures are read from the exact bytes the last publication archived (by SHA-256), through
the dataset's contract, so a report quotes what the portals hold — never a number typed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from datos_cali import archive
from datos_cali.catalog import Catalog
from datos_cali.compliance.figures import COMPLIANCE_DATASET
from datos_cali.contracts import load_contract
from datos_cali.outcomes import Outcome
from datos_cali.precheck import precheck
from datos_cali.settings import Paths


@dataclass(frozen=True)
class PublishedFigures:
    """The plan's totals for one year in the office's published figures."""

    title: str
    year: int
    committed: int
    published: int
    on_time: int


def published_figures(ledger, catalog: Catalog, year: int, where: Paths) -> PublishedFigures | None:
    """The year's totals from the last published compliance figures; None when there are none
    (no such dataset, never published, its archived bytes gone, or no row for that year)."""
    dataset = catalog.datasets.get(COMPLIANCE_DATASET)
    found = ledger.runs(dataset=COMPLIANCE_DATASET, outcome=Outcome.PUBLISHED, limit=1)
    if dataset is None or not found or not found[0].source_sha256:
        return None
    path = archive.archive_path(found[0].source_sha256)
    if not path.is_file():
        return None
    result = precheck(path, dataset, load_contract(dataset.schema_name, where.schemas))
    if not result.publishable:
        return None
    frame = result.typed.frame
    rows = frame[frame["anio"] == year]
    if rows.empty:
        return None
    return PublishedFigures(
        title=dataset.title,
        year=year,
        committed=int(rows["comprometidos"].sum()),
        published=int(rows["publicados"].sum()),
        on_time=int(rows["publicados_a_tiempo"].sum()),
    )
