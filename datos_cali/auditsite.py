"""The auditors' site the office publishes: the report site plus every page module's pages.

Adding a page module is one module with `pages(context) -> list[SitePage]` and one line in
`PAGES`. This is the one place that knows them all, above the report site and the modules that
contribute pages, so neither imports the other's users.
"""

from __future__ import annotations

import fcntl
from datetime import datetime
from pathlib import Path

from datos_cali.catalog import load_catalog
from datos_cali.compliance import site as compliance_site
from datos_cali.ledger import Ledger, open_ledger
from datos_cali.reportsite import Site, build_site
from datos_cali.settings import Paths, paths
from datos_cali.usage import site as usage_site

PAGES = (
    usage_site.pages,
    compliance_site.pages,
)


def build(
    out_dir: Path | None = None,
    *,
    ledger: Ledger,
    catalog,
    now: datetime | None = None,
    reports_dir: Path | None = None,
) -> Site:
    """The whole site (see `datos_cali.reportsite.build_site`)."""
    return build_site(
        out_dir, ledger=ledger, catalog=catalog, now=now, reports_dir=reports_dir, providers=PAGES
    )


def rebuild_after_runs(where: Paths | None = None, *, ledger: Ledger | None = None) -> Path | None:
    """Rebuild the site after runs (one builder at a time); never fails the run: the site is a
    view of the ledger, so a failure here loses nothing."""
    where = where or paths()
    where.reports.mkdir(parents=True, exist_ok=True)
    with open(where.reports / ".sitio.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            catalog = load_catalog(where.catalog)
            if ledger is not None:
                return build(ledger=ledger, catalog=catalog).index
            with open_ledger() as own:
                return build(ledger=own, catalog=catalog).index
        except Exception:
            return None
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
