"""Visits and downloads of the published datasets, over time.

    collect(session, ledger, catalog, now)   read every published asset's counters, store the day
    usage_report(ledger, catalog, year)       totals per dataset, organismo, portal, month, year
    usage_figures(deltas, catalog)            the office's open dataset of monthly usage

Portals keep only cumulative counters: `snapshots` stores one reading per asset and day,
`deltas` turns consecutive readings into daily usage (resets, missing days).
"""

from datos_cali.usage.collect import CollectionFailed, Failure, collect, published_assets
from datos_cali.usage.deltas import DailyUsage, daily_usage, increase
from datos_cali.usage.figures import (
    USAGE_DATASET,
    refresh_usage_figures,
    usage_figures,
)
from datos_cali.usage.report import UsageLine, UsageReport, build_usage_report, usage_report
from datos_cali.usage.snapshots import Snapshot, UsageStore, office_day

__all__ = [
    "USAGE_DATASET",
    "CollectionFailed",
    "DailyUsage",
    "Failure",
    "Snapshot",
    "UsageLine",
    "UsageReport",
    "UsageStore",
    "build_usage_report",
    "collect",
    "daily_usage",
    "increase",
    "office_day",
    "published_assets",
    "refresh_usage_figures",
    "usage_figures",
    "usage_report",
]
