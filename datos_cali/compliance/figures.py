"""The compliance figures as an open dataset: one row per organismo and year.

Published like the usage figures (`datos_cali.sources.inbox.submit_rows`): written as a CSV into the
`transparencia` inbox, then run through the ordinary publishing flow. The years are those of
the opening plans plus any year with publications; each is taken as of its close (or now).
No totals row: the rows are the organismos, and the totals are their sum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from datos_cali.catalog import Catalog
from datos_cali.compliance.history import Publication, load_history
from datos_cali.compliance.report import ZONE, compliance_report, plan_years
from datos_cali.settings import Paths
from datos_cali.sources.inbox import submit_rows

COMPLIANCE_DATASET = "cumplimiento-plan-apertura"


def compliance_figures(
    catalog: Catalog, history: Iterable[Publication], now: dt.datetime
) -> list[dict]:
    """Rows of the compliance dataset, keyed by the schema's column names."""
    history = list(history)
    this_year = now.astimezone(ZONE).year
    years = set(plan_years(catalog)) | {p.at.astimezone(ZONE).year for p in history}
    rows = []
    for year in sorted(y for y in years if y <= this_year):
        report = compliance_report(catalog, history, year, now)
        for entry in report.organismos:
            rows.append(
                {
                    "id_registro": f"{year}/{entry.slug}",
                    "anio": year,
                    "organismo": entry.slug,
                    "nombre_organismo": entry.name,
                    "comprometidos": entry.committed,
                    "publicados": entry.published,
                    "publicados_a_tiempo": entry.on_time,
                    "porcentaje_publicados": _percent(entry.share_published),
                    "porcentaje_a_tiempo": _percent(entry.share_on_time),
                    "nuevos": len(entry.new),
                    "actualizados": len(entry.updated),
                    "desactualizados": len(entry.stale),
                    "fecha_corte": report.cut_day,
                }
            )
    return rows


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 2)


def refresh_compliance_figures(
    ledger, catalog: Catalog, where: Paths, now: dt.datetime
) -> Path | None:
    """Recompute the compliance figures from the ledger and drop them in the inbox.

    None when there is nothing to publish, or the catalog has no compliance dataset.
    """
    rows = compliance_figures(catalog, load_history(ledger), now)
    return submit_rows(COMPLIANCE_DATASET, rows, catalog, where, now) if rows else None
