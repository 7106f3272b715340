"""The Jinja2 environment of the site: package templates, autoescape on, Spanish filters.

Autoescape is on for every template and every string snippet (`SiteContext.fragment`), so text
from the ledger, the reports or the catalog can never become markup. Undefined names fail the
build instead of printing nothing.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from datos_cali.reportsite import labels
from datos_cali.reportsite.paths import dataset_page, organismo_page, relative_href

SITE_NAME = "Informes de calidad de datos abiertos · Alcaldía de Santiago de Cali"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("datos_cali.reportsite", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        numero=labels.number,
        puntaje=labels.score,
        fecha=labels.when,
        dia=labels.day,
        iso=labels.iso,
        duracion=labels.duration,
        resultado=labels.outcome,
        portal=labels.target,
        tipo=labels.kind,
        severidad=labels.severity,
        evidencia=labels.evidence_name,
        enlace_web=web_link,
    )
    env.globals.update(
        site_name=SITE_NAME,
        verdict_order=labels.VERDICT_ORDER,
        verdict_help=labels.VERDICT_HELP,
        source_kinds=labels.SOURCE_KINDS,
        dataset_page=dataset_page,
        organismo_page=organismo_page,
    )
    return env


def render_page(template: str, path: str, **values: object) -> str:
    """A page at `path` (relative to the site root); `root` and `href` make its links relative."""

    def href(to: str) -> str:
        return relative_href(path, to)

    return environment().get_template(template).render(page_path=path, href=href, **values)


def web_link(url: str | None) -> str | None:
    """`url` when it is a plain http(s) address — the only kind the site turns into a link."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None
