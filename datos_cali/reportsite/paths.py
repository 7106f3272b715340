"""Where each page of the site lives, and relative links between them (the site works from
any folder or web server, so no link is absolute)."""

from __future__ import annotations

import posixpath


def dataset_page(slug: str) -> str:
    return f"conjuntos/{slug}.html"


def organismo_page(slug: str) -> str:
    return f"organismos/{slug}.html"


def relative_href(from_page: str, to: str) -> str:
    """`relative_href("conjuntos/a.html", "index.html") == "../index.html"`."""
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to, start)
