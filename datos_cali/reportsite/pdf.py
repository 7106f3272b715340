"""A page of the built site as PDF, from the same HTML and the site's print styles (WeasyPrint).

What an auditor files on paper is what the browser prints: WeasyPrint lays out the page with the
`@media print` and `@page` rules of `static/sitio.css` (A4 landscape, tables that wrap, nothing
scrolled out of sight). Only local files are read (the fetcher refuses every other protocol),
so a PDF never depends on the network.
"""

from __future__ import annotations

from pathlib import Path

from datos_cali.reportsite.paths import dataset_page

NO_SITE = "No hay un sitio de informes en {root}: genérelo antes con «datos-cali report build»."
NO_PAGE = "El sitio de {root} no tiene la página del conjunto «{slug}»."


class PdfError(ValueError):
    """The PDF cannot be made; the message says why, in Spanish."""


def dataset_pdf(site_root: Path, slug: str, out: Path | None = None) -> Path:
    """`conjuntos/<slug>.html` of the site at `site_root` as `out` (default: beside the page)."""
    # Deferred: WeasyPrint (and Pango through it) takes a second to load; only this needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    root = Path(site_root).resolve()
    if not (root / "index.html").is_file():
        raise PdfError(NO_SITE.format(root=root))
    page = root / dataset_page(slug)
    if not page.is_file():
        raise PdfError(NO_PAGE.format(root=root, slug=slug))
    target = Path(out) if out else page.with_suffix(".pdf")

    files_only = URLFetcher(allowed_protocols={"file"})
    HTML(filename=str(page), url_fetcher=files_only, media_type="print").write_pdf(target)
    return target
