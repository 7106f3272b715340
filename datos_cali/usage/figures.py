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

import csv
import datetime as dt
import io
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from datos_cali.catalog import Catalog
from datos_cali.contracts import load_contract
from datos_cali.settings import Paths
from datos_cali.usage.deltas import DailyUsage, daily_usage
from datos_cali.usage.snapshots import UsageStore

USAGE_DATASET = "uso-portales-datos-abiertos"
NOT_AN_INBOX = (
    "El conjunto «{slug}» debe tener como origen la bandeja de su organismo (kind: inbox)."
)


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


def write_submission(
    slug: str, rows: list[dict], catalog: Catalog, where: Paths, now: dt.datetime
) -> Path | None:
    """Write `rows` as the dataset's next submission in its organismo's inbox.

    The headers are the schema's titles (what any organismo's file has), the values plain
    (ISO dates, dot decimals). None when the catalog has no such dataset.
    """
    dataset = catalog.datasets.get(slug)
    if dataset is None:
        return None
    if dataset.source.kind != "inbox":
        raise ValueError(NOT_AN_INBOX.format(slug=slug))
    contract = load_contract(dataset.schema_name, where.schemas)
    columns = list(contract.columns.values())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.title for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c.name)) for c in columns])
    folder = where.inbox / dataset.organismo
    folder.mkdir(parents=True, exist_ok=True)
    prefix = dataset.source.pattern.split("*")[0]
    path = folder / f"{prefix}{now.astimezone(dt.UTC):%Y%m%dT%H%M%S%f}.csv"
    hidden = folder / f".{path.name}.tmp"
    hidden.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(hidden, path)
    return path


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def refresh_usage_figures(ledger, catalog: Catalog, where: Paths, now: dt.datetime) -> Path | None:
    """Recompute the usage figures from every stored snapshot and drop them in the inbox.

    None when there is nothing to publish yet, or the catalog has no usage dataset.
    """
    rows = usage_figures(daily_usage(UsageStore(ledger).snapshots()), catalog)
    return write_submission(USAGE_DATASET, rows, catalog, where, now) if rows else None
