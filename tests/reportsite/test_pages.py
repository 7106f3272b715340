"""The extension point: providers are found or skipped, their pages checked and laid out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from datos_cali import auditsite
from datos_cali.catalog import load_catalog
from datos_cali.compliance import site as compliance_site
from datos_cali.ledger import open_ledger
from datos_cali.reportsite import SiteContext, SitePage, build_site
from datos_cali.reportsite.pages import contributed_pages
from datos_cali.reportsite.paths import relative_href
from datos_cali.settings import paths
from datos_cali.usage import site as usage_site
from tests.reportsite.htmlcheck import read

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def context():
    with open_ledger() as ledger:
        yield SiteContext(load_catalog(paths().catalog), ledger, NOW, paths().reports)


def test_the_published_site_has_the_usage_and_compliance_pages():
    assert (usage_site.pages, compliance_site.pages) == auditsite.PAGES


def test_a_provider_that_breaks_stops_the_build(context):
    def broken(context):
        raise RuntimeError("sin datos")

    with pytest.raises(RuntimeError, match="sin datos"):
        contributed_pages(context, (broken,))

    def not_pages(context):
        return ["uso/index.html"]

    with pytest.raises(TypeError, match="devolvió otra cosa"):
        contributed_pages(context, (not_pages,))


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../fuera.html", "minúsculas"),
        ("/absoluta.html", "minúsculas"),
        ("uso/Mayusculas.html", "minúsculas"),
        ("uso/index.htm", "terminar en «.html»"),
        ("index.html", "es del sitio de informes"),
        ("conjuntos/otro.html", "es del sitio de informes"),
        ("static/hoja.html", "es del sitio de informes"),
    ],
)
def test_unsafe_or_reserved_paths_are_refused(context, path, why):
    def pages(context):
        return [SitePage(path, "Título", "<p>x</p>")]

    with pytest.raises(ValueError, match=why):
        contributed_pages(context, (pages,))


def test_two_pages_on_one_path_are_refused(context):
    def pages(context):
        return [SitePage("uso/index.html", "A", ""), SitePage("uso/index.html", "B", "")]

    with pytest.raises(ValueError, match="Otra página ya usa esa ruta"):
        contributed_pages(context, (pages,))


def test_fragments_escape_what_they_are_given(context):
    html = context.fragment(
        "<p>{{ texto }} · {{ n|numero }} · {{ momento|fecha }}</p>",
        texto="<script>alert(1)</script>",
        n=55136,
        momento=NOW,
    )
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; · 55.136 · 2026-03-02 10:30:00</p>"


def test_links_between_pages_are_relative():
    assert relative_href("uso/index.html", "conjuntos/a.html") == "../conjuntos/a.html"
    assert relative_href("index.html", "uso/index.html") == "uso/index.html"
    assert relative_href("uso/mensual/2021.html", "index.html") == "../../index.html"


def test_a_contributed_page_gets_the_layout_navigation_and_its_files(tmp_path):
    def pages(context):
        body = context.fragment(
            '<h2>Visitas</h2><p>{{ nota }}</p><p><a href="{{ inicio }}">Inicio</a></p>',
            nota="<b>sin datos</b>",
            inicio=context.href("uso/index.html", "index.html"),
        )
        return [
            SitePage(
                "uso/index.html",
                "Uso de los portales",
                body,
                nav_label="Uso",
                files={"uso/visitas.csv": b"mes,visitas\n"},
            ),
            SitePage("uso/detalle.html", "Detalle del uso", "<h2>Detalle</h2>"),
        ]

    with open_ledger() as ledger:
        site = build_site(
            tmp_path / "sitio",
            ledger=ledger,
            catalog=load_catalog(paths().catalog),
            now=NOW,
            providers=(pages,),
        )
    page = read(site.root / "uso" / "index.html")
    assert [h for h in page.headings] == [(1, "Uso de los portales"), (2, "Visitas")]
    assert "&lt;b&gt;sin datos&lt;/b&gt;" in (site.root / "uso" / "index.html").read_text("utf-8")
    assert "../static/sitio.css" in [v for _, _, v in page.attribute_values("href")]
    assert page.links()[0] == "#contenido"  # the skip link comes with the layout
    assert (site.root / "uso" / "visitas.csv").read_bytes() == b"mes,visitas\n"
    # Only the page with a nav label is in the navigation of every page.
    index = read(site.index)
    assert "uso/index.html" in index.links() and "uso/detalle.html" not in index.links()
    assert read(site.root / "uso" / "detalle.html").headings == [
        (1, "Detalle del uso"),
        (2, "Detalle"),
    ]
    assert set(site.pages) >= {"uso/index.html", "uso/detalle.html"}


def test_site_page_defaults():
    page = SitePage("uso/index.html", "Uso", "<p>x</p>")
    assert page.nav_label is None and dict(page.files) == {}
