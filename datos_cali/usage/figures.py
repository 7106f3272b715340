"""The office's own figures as open data, published through the same pipeline as everyone's.

The office is an organismo like the others (`transparencia`): the usage and compliance flows
write their figures as a CSV into its inbox (`<state>/inbox/transparencia/`), then run the
ordinary publishing flow for that dataset. So the figures go through the archive, the contract,
the quality criteria and the ledger, and an auditor can trace each published version to its
exact bytes. A file is written under a hidden name and renamed, so the inbox never shows a
half-written one.

Usage figures: one row per month, portal and asset (visits and downloads gained that month).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from datos_cali.catalog import Catalog
from datos_cali.settings import Paths
from datos_cali.sources.inbox import submit_rows
from datos_cali.usage.deltas import DailyUsage, daily_usage
from datos_cali.usage.snapshots import UsageStore

USAGE_DATASET = "uso-portales-datos-abiertos"


def usage_figures(deltas: Iterable[DailyUsage], catalog: Catalog) -> list[dict]:
    """Rows of the usage dataset, keyed by the schema's column names, oldest month first."""
    months: dict[tuple, list[DailyUsage]] = defaultdict(list)
    for delta in deltas:
        months[(delta.day.year, delta.day.month, delta.target, delta.asset_id)].append(delta)
    rows = []
    for (year, month, target, asset_id), items in sorted(months.items()):
        latest = max(items, key=lambda d: d.day)
        dataset = catalog.datasets.get(latest.dataset)
        rows.append(
            {
                "id_registro": f"{year}-{month:02d}/{target}/{asset_id}",
                "anio": year,
                "mes": month,
                "portal": target,
                "identificador_portal": asset_id,
                "conjunto": latest.dataset,
                "titulo_conjunto": dataset.title if dataset else latest.dataset,
                "organismo": latest.organismo,
                "visitas": sum(d.views for d in items),
                "descargas": sum(d.downloads for d in items),
            }
        )
    return rows


def refresh_usage_figures(ledger, catalog: Catalog, where: Paths, now: dt.datetime) -> Path | None:
    """Recompute the usage figures from every stored snapshot and drop them in the inbox.

    None when there is nothing to publish yet, or the catalog has no usage dataset.
    """
    rows = usage_figures(daily_usage(UsageStore(ledger).snapshots()), catalog)
    return submit_rows(USAGE_DATASET, rows, catalog, where, now) if rows else None
