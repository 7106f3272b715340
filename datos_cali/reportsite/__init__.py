"""The auditors' report site: static, accessible pages built from the run ledger and run reports.

    from datos_cali.reportsite import build_site
    site = build_site(out_dir, ledger=ledger, catalog=catalog, now=now)   # -> Site
    site.index                                                           # .../index.html

`datos-cali report build [--out DIR]` does the same (default `<state>/reports/site`). The site is
plain HTML and CSS in Spanish (WCAG 2.1 AA, NTC 5854): one h1 per page, landmarks, a skip link,
tables with captions and header scopes, visible focus, charts as SVG with a text alternative
and a data table. Every link is relative and nothing is loaded from the internet; the only
absolute addresses are ordinary links to a dataset's page on its portal.

Layout of the output:

    index.html                                 every organismo: datasets by latest verdict
    criterios.html                             the 17 MinTIC criteria: definition, formula, version
    organismos/<organismo>.html                its datasets, the latest verdict on each portal
    conjuntos/<slug>.html                      one dataset (the page Prefect's run artifact links)
    conjuntos/<slug>/ejecuciones/<run>.json    each run's JSON report, copied as the run wrote it
    gx/<slug>/index.html                       Great Expectations Data Docs (GX's own page: it
                                               loads GX's CSS and JS from CDNs; ours never do)
    static/sitio.css
    <contributed pages>                        e.g. uso/index.html, cumplimiento/index.html

Extension point (usage and compliance pages). Another module contributes pages by exposing
`pages(context: SiteContext) -> list[SitePage]`, passed in `build_site(..., providers=...)`;
the site the office publishes lists its providers in `datos_cali.auditsite.PAGES` (this package
imports none of them). `SiteContext` gives `catalog`, `ledger`, `now`, `reports_dir`, and helpers: `href()`
for relative links, `dataset_page()`/`organismo_page()`, and `fragment()` to render an escaped
Jinja snippet. `SitePage(path, title, body_html, nav_label=None, files={})` is rendered inside
the site's layout (the title becomes the page's h1, so `body_html` starts at h2); `files` are
written beside it (a CSV from `csv_file(rows)`, an SVG from `Chart.svg_document()`). Charts:
`charts.line_chart` and `charts.bar_chart` return a `Chart` whose `.html()` is the accessible
figure. The full contract is in `datos_cali/reportsite/pages.py`.
"""

from datos_cali.reportsite.build import DestinationError, Site, build_site, default_out_dir
from datos_cali.reportsite.charts import Chart, Series, bar_chart, line_chart
from datos_cali.reportsite.pages import Provider, SiteContext, SitePage, csv_file

__all__ = [
    "Chart",
    "DestinationError",
    "Provider",
    "Series",
    "Site",
    "SiteContext",
    "SitePage",
    "bar_chart",
    "build_site",
    "csv_file",
    "default_out_dir",
    "line_chart",
]
