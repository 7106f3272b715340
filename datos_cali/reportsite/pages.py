"""Pages that other modules add to the report site (usage, compliance): the extension point.

A *provider* is a function `pages(context: SiteContext) -> list[SitePage]`. The builder gets the
providers from its caller (`build_site(..., providers=...)`; the site the office publishes lists
them in `datos_cali.auditsite.PAGES`, one line each), calls each once per build, and renders
each page it returns inside the site's layout (header, navigation, skip link, footer,
stylesheet) — so a contributed page looks and behaves like the others. This package imports no
provider: providers import it. Any error in a provider stops the build, because an auditor must
never get a site that silently lost a page.

What a provider must do:
- return pages whose `path` is relative to the site root, ends in `.html`, uses lowercase
  letters, digits, `-`, `_` and `/`, and stays out of the builder's own places (`index.html`,
  `criterios.html`, `organismos/`, `conjuntos/`, `gx/`, `static/`);
- write `body_html` as the content *below* the page's only `<h1>` (the layout prints `title` as
  the h1): headings start at `<h2>` and do not skip levels; tables have a `<caption>` and
  `<th scope>`; every word in plain Spanish;
- escape whatever it did not write itself: build the HTML with `context.fragment(...)` (Jinja
  with autoescape, the site's filters) or `markupsafe`, and draw charts with
  `datos_cali.reportsite.charts` (SVG with title, description and a data table);
- load nothing from the internet: links between pages come from `context.href(...)`, and any
  file a page needs (a CSV to download from `csv_file(rows)`, an SVG) goes in `SitePage.files`;
- not fail for lack of data: say so on the page instead (e.g. «aún no hay datos de uso»).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from datos_cali import csvsafe
from datos_cali.reportsite.paths import dataset_page, organismo_page, relative_href
from datos_cali.reportsite.render import environment

if TYPE_CHECKING:
    from datos_cali.catalog import Catalog
    from datos_cali.ledger import Ledger

RESERVED = ("index.html", "criterios.html", "organismos/", "conjuntos/", "gx/", "static/")
_PATH = re.compile(r"[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*")

BAD_PATH = "El proveedor {provider} devolvió una ruta no válida: «{path}». {why}"
WHY_SHAPE = "Use minúsculas, números, «-», «_» y «/», relativa a la raíz del sitio."
WHY_HTML = "Una página debe terminar en «.html»."
WHY_RESERVED = "Esa ruta es del sitio de informes."
WHY_REPEATED = "Otra página ya usa esa ruta."
NO_TITLE = "El proveedor {provider} devolvió una página sin título ({path})."
NOT_A_PROVIDER = "«{provider}» no es una función de páginas del sitio de informes ({reason})."


@dataclass(frozen=True)
class SitePage:
    """One page a provider contributes; rendered inside the site's layout."""

    path: str  # relative to the site root, e.g. "uso/index.html"
    title: str  # plain Spanish: the page's <title> and its only <h1>
    body_html: str  # the content below the h1 (trusted: the provider escaped its data)
    nav_label: str | None = None  # shown in the site's main navigation when set
    files: Mapping[str, bytes] = field(default_factory=dict)  # extra files, paths as `path`


@dataclass(frozen=True)
class SiteContext:
    """What a provider gets: the catalog, the ledger, the build's clock, and link helpers."""

    catalog: Catalog
    ledger: Ledger
    now: datetime  # aware; every page of one build shows the same moment
    reports_dir: Path  # the state's reports folder: run reports and Great Expectations docs

    def href(self, from_page: str, to: str) -> str:
        """The relative link from one page of the site to another path of it."""
        return relative_href(from_page, to)

    def dataset_page(self, slug: str) -> str:
        return dataset_page(slug)

    def organismo_page(self, slug: str) -> str:
        return organismo_page(slug)

    def fragment(self, source: str, /, **values: object) -> Markup:
        """Render a Jinja snippet with autoescape on and the site's filters (`numero`, `fecha`…)."""
        return Markup(environment().from_string(source).render(**values))


Provider = Callable[[SiteContext], Sequence[SitePage]]


def csv_file(rows: Sequence[Mapping[str, object]]) -> bytes:
    """`rows` (at least one; the first one's keys are the header) as a CSV for `SitePage.files`,
    in UTF-8 with a BOM so that Excel reads the accents, and text cells that a spreadsheet would
    run as formulas neutralised (`datos_cali.csvsafe`: a dataset's title is the organismo's)."""
    buffer = io.StringIO(newline="")
    writer = csvsafe.dict_writer(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def contributed_pages(context: SiteContext, providers: Sequence[Provider]) -> list[SitePage]:
    """Every provider's pages, checked: safe paths, a title, no clashes."""
    pages: list[SitePage] = []
    taken: set[str] = set()
    for provider in providers:
        name = f"{provider.__module__}.{provider.__qualname__}"
        for page in provider(context):
            if not isinstance(page, SitePage):
                raise TypeError(NOT_A_PROVIDER.format(provider=name, reason="devolvió otra cosa"))
            _check_path(name, page.path, taken, html=True)
            if not page.title.strip():
                raise ValueError(NO_TITLE.format(provider=name, path=page.path))
            for extra in page.files:
                _check_path(name, extra, taken, html=False)
            pages.append(page)
    return pages


def _check_path(provider: str, path: str, taken: set[str], *, html: bool) -> None:
    def fail(why: str):
        raise ValueError(BAD_PATH.format(provider=provider, path=path, why=why))

    if not _PATH.fullmatch(path) or ".." in path.split("/"):
        fail(WHY_SHAPE)
    if html and not path.endswith(".html"):
        fail(WHY_HTML)
    if any(path == r or (r.endswith("/") and path.startswith(r)) for r in RESERVED):
        fail(WHY_RESERVED)
    if path in taken:
        fail(WHY_REPEATED)
    taken.add(path)
