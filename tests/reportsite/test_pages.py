"""The extension point: providers are found or skipped, their pages checked and laid out."""

from __future__ import annotations

import importlib
import re
import textwrap
from datetime import UTC, datetime

import pytest

from datos_cali.catalog import load_catalog
from datos_cali.ledger import open_ledger
from datos_cali.reportsite import SiteContext, SitePage, build_site
from datos_cali.reportsite.pages import (
    PAGE_PROVIDERS,
    contributed_pages,
    load_providers,
    relative_href,
)
from datos_cali.settings import paths
from tests.reportsite.htmlcheck import read

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def context():
    with open_ledger() as ledger:
        yield SiteContext(load_catalog(paths().catalog), ledger, NOW, paths().reports)


@pytest.fixture
def provider_module(tmp_path, monkeypatch):
    """Write a provider module on sys.path; returns a function that sets its pages' source."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(name: str, body: str) -> str:
        (tmp_path / f"{name}.py").write_text(
            "from datos_cali.reportsite import SitePage\n" + textwrap.dedent(body), "utf-8"
        )
        importlib.invalidate_caches()
        return f"{name}:pages"

    return write


def test_the_usage_and_compliance_providers_are_declared():
    assert PAGE_PROVIDERS == ("datos_cali.usage.site:pages", "datos_cali.compliance.site:pages")


def test_a_provider_whose_module_does_not_exist_yet_is_skipped(provider_module, caplog):
    name = provider_module("proveedor_a", "def pages(context):\n    return []\n")
    caplog.set_level("DEBUG", logger="datos_cali.reportsite.pages")
    found = load_providers(("datos_cali.modulo_que_no_existe.site:pages", name))
    assert [n for n, _ in found] == [name]
    assert "datos_cali.modulo_que_no_existe.site:pages" in caplog.text


def test_a_provider_that_breaks_on_import_stops_the_build(provider_module):
    name = provider_module("proveedor_roto", "import paquete_que_no_existe\n")
    with pytest.raises(ModuleNotFoundError, match="paquete_que_no_existe"):
        load_providers((name,))
    with pytest.raises(TypeError, match="no es una función"):
        load_providers((provider_module("proveedor_sin", "x = 1\n").replace(":pages", ":x"),))


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
def test_unsafe_or_reserved_paths_are_refused(provider_module, context, path, why):
    name = provider_module(
        "proveedor_rutas_" + re.sub(r"\W", "_", path),
        f"def pages(context):\n    return [SitePage({path!r}, 'Título', '<p>x</p>')]\n",
    )
    with pytest.raises(ValueError, match=why):
        contributed_pages(context, (name,))


def test_two_pages_on_one_path_are_refused(provider_module, context):
    name = provider_module(
        "proveedor_doble",
        "def pages(context):\n"
        "    return [SitePage('uso/index.html', 'A', ''), SitePage('uso/index.html', 'B', '')]\n",
    )
    with pytest.raises(ValueError, match="Otra página ya usa esa ruta"):
        contributed_pages(context, (name,))


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


def test_a_contributed_page_gets_the_layout_navigation_and_its_files(provider_module, tmp_path):
    name = provider_module(
        "proveedor_uso",
        """
        def pages(context):
            body = context.fragment(
                '<h2>Visitas</h2><p>{{ nota }}</p><p><a href="{{ inicio }}">Inicio</a></p>',
                nota="<b>sin datos</b>",
                inicio=context.href("uso/index.html", "index.html"),
            )
            return [
                SitePage("uso/index.html", "Uso de los portales", body, nav_label="Uso",
                         files={"uso/visitas.csv": b"mes,visitas\\n"}),
                SitePage("uso/detalle.html", "Detalle del uso", "<h2>Detalle</h2>"),
            ]
        """,
    )
    with open_ledger() as ledger:
        site = build_site(
            tmp_path / "sitio",
            ledger=ledger,
            catalog=load_catalog(paths().catalog),
            now=NOW,
            providers=(name,),
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
