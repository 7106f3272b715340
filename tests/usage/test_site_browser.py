"""The usage and compliance pages in Debian's Chromium: axe-core finds nothing serious, and the
pages load nothing from outside (the `page` fixture refuses and reports any such request)."""

from __future__ import annotations

import pytest

from datos_cali.auditsite import PAGES
from datos_cali.catalog import load_catalog
from datos_cali.ledger import open_ledger
from datos_cali.reportsite import build_site
from datos_cali.settings import paths
from datos_cali.usage import UsageStore
from tests.compliance.conftest import planned, utc  # noqa: F401  (catalog + ledger fixture)
from tests.reportsite.test_browser import axe_violations, blocking, browser, page, url  # noqa: F401
from tests.usage.conftest import reading

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path", ["uso/index.html", "cumplimiento/index.html", "cumplimiento/2021.html"]
)
def test_axe_finds_no_serious_or_critical_violations(planned, page, tmp_path, path):  # noqa: F811
    with open_ledger() as ledger:
        UsageStore(ledger).add(
            [
                reading("2021-11-30", 40, 8, dataset="d-uno", organismo="alfa"),
                reading("2022-01-15", 95, 30, dataset="d-uno", organismo="alfa"),
                reading("2022-01-15", 12, 1, asset="bbbb-0002", dataset="d-seis", organismo="beta"),
            ]
        )
        site = build_site(
            tmp_path / "sitio",
            ledger=ledger,
            catalog=load_catalog(paths().catalog),
            now=utc("2022-03-01T12:00"),
            providers=PAGES,
        )
    page.goto(url(site.root, path))
    assert page.locator("h1").count() == 1
    assert blocking(axe_violations(page)) == []
