"""The portal's HTML: an index of public datasets and one page per dataset.

These are what a citizen sees, so they are in Spanish and accessible (language, caption, column
headers with scope, labelled pagination). Serving a dataset page counts one view, as a visit to a
dataset page does on datos.gov.co; pages are never subject to fault injection.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any

from datos_cali.localportal import auth, rows, soql, views
from datos_cali.localportal import values as v
from datos_cali.localportal.routing import HTML_TYPE, HttpError, Request, Response, Route

if TYPE_CHECKING:
    from datos_cali.localportal.portal import LocalPortal

PAGE_SIZE = 50
SITE_TITLE = "Portal local de datos abiertos de Cali"
NOT_FOUND_TEXT = "No existe un conjunto de datos con el identificador «{id}»."
PRIVATE_TEXT = "El conjunto de datos «{id}» todavía no es público."
ERROR_TEXT = "La página no está disponible ({status}): {message}"
NO_DATASETS = "Todavía no hay conjuntos de datos públicos."
NO_ROWS = "Este conjunto de datos no tiene filas."

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1a1a1a}
a{color:#0b5394}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3f8}caption{text-align:left;font-weight:600;padding:.5rem 0}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}
nav ul{list-style:none;display:flex;gap:1rem;padding:0}
"""


def document(title: str, body: str) -> bytes:
    return (
        "<!doctype html>\n"
        '<html lang="es"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f'<header><p><a href="/">{escape(SITE_TITLE)}</a></p></header>'
        f"<main>{body}</main></body></html>\n"
    ).encode()


def html_error(error: HttpError) -> Response:
    """Errors on pages are pages too."""
    text = ERROR_TEXT.format(status=error.status, message=error.message)
    body = f"<h1>Página no disponible</h1><p>{escape(text)}</p>"
    return Response(error.status, document(SITE_TITLE, body), HTML_TYPE, dict(error.headers))


def _moment(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cell(type_name: str, value: Any) -> str:
    """A stored value as a person reads it in the table."""
    if value is None:
        return ""
    if type_name == v.CHECKBOX:
        return "Sí" if value else "No"
    if type_name == v.POINT:
        lon, lat = value["coordinates"]
        return escape(f"{lat}, {lon}")
    if type_name == v.URL:
        address = value["url"]
        if address.lower().startswith(("http://", "https://")):
            return f'<a href="{escape(address)}">{escape(address)}</a>'
        return escape(address)
    if type_name == v.DATE:
        day, _, time = str(value).partition("T")
        return escape(day if time.startswith("00:00:00") else f"{day} {time[:5]}")
    return escape(str(value))


class Pages:
    def __init__(self, portal: LocalPortal) -> None:
        self.portal = portal

    def routes(self) -> list[Route]:
        return [
            Route("GET", "/", self.index, errors=html_error),
            Route("GET", "/d/{id}", self.dataset, errors=html_error),
        ]

    def index(self, request: Request) -> Response:
        with self.portal.store.read() as conn:
            listed = [
                (record, rows.count(conn, record.id))
                for record in views.all_views(conn)
                if record.is_public and not record.parent_id
            ]
        items = "".join(
            f'<li><a href="/d/{record.id}">{escape(record.name)}</a> — '
            f"{count} filas, actualizado {_moment(record.rows_updated_at)}"
            f"<br>{escape(str(record.body.get('description', '')))}</li>"
            for record, count in listed
        )
        body = f"<h1>{escape(SITE_TITLE)}</h1>"
        body += f"<ul>{items}</ul>" if items else f"<p>{NO_DATASETS}</p>"
        return Response(200, document(SITE_TITLE, body), HTML_TYPE)

    def dataset(self, request: Request) -> Response:
        view_id = request.params["id"]
        request.note.dataset_id = view_id
        logged_in = auth.authenticated(request, self.portal.credentials)
        with self.portal.store.write() as conn:
            record = views.get(conn, view_id)
            if record is None:
                raise HttpError(404, "not_found", NOT_FOUND_TEXT.format(id=view_id))
            if not record.is_public and not logged_in:
                raise HttpError(403, "permission_denied", PRIVATE_TEXT.format(id=view_id))
            views.record_usage(conn, record, views.VIEW, self.portal.epoch())
        page = page_number(request.arg("page"))
        with self.portal.store.read() as conn:
            total = rows.count(conn, view_id)
            pairs = [("$limit", str(PAGE_SIZE)), ("$offset", str((page - 1) * PAGE_SIZE))]
            found = rows.select(conn, view_id, soql.compile_query(pairs, record.columns))
        body = self._header(record, total) + self._table(record, found, page, total)
        return Response(200, document(f"{record.name} — {SITE_TITLE}", body), HTML_TYPE)

    def _header(self, record: views.ViewRecord, total: int) -> str:
        base = f"/api/views/{record.id}/rows"
        facts = [
            ("Identificador", record.id),
            ("Categoría", str(record.body.get("category") or "—")),
            ("Filas", str(total)),
            ("Datos actualizados", _moment(record.rows_updated_at)),
            ("Vistas", str(record.view_count)),
            ("Descargas", str(record.download_count)),
        ]
        listing = "".join(f"<dt>{escape(k)}</dt><dd>{escape(val)}</dd>" for k, val in facts)
        geojson = ""
        if any(c.type_name == v.POINT for c in record.columns.values()):
            geojson = f' · <a href="/resource/{record.id}.geojson">Mapa (GeoJSON)</a>'
        return (
            f"<h1>{escape(record.name)}</h1>"
            f"<p>{escape(str(record.body.get('description', '')))}</p>"
            f"<dl>{listing}</dl>"
            f'<p><a href="{base}.csv?accessType=DOWNLOAD">Descargar CSV</a> · '
            f'<a href="{base}.json?accessType=DOWNLOAD">Descargar JSON</a> · '
            f'<a href="/resource/{record.id}.json">API (SODA)</a>{geojson}</p>'
        )

    def _table(self, record: views.ViewRecord, found, page: int, total: int) -> str:
        if total == 0:
            return f"<p>{NO_ROWS}</p>"
        columns = list(record.columns.values())
        head = "".join(
            f'<th scope="col" title="{escape(c.field_name)}">{escape(c.name or c.field_name)}</th>'
            for c in columns
        )
        body_rows = []
        for _sid, data, _created, _updated in found:
            values = json.loads(data)
            cells = "".join(
                f"<td>{_cell(c.type_name, values.get(c.field_name))}</td>" for c in columns
            )
            body_rows.append(f"<tr>{cells}</tr>")
        return paged_table(head, "".join(body_rows), len(found), page, total)


def page_number(raw: str | None) -> int:
    """The `page` query argument: a whole number from 1, else the first page."""
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else 1


def paged_table(head: str, body: str, shown: int, page: int, total: int) -> str:
    """One page of a table of `total` rows (`shown` of them in `body`), captioned, with the
    labelled links to the pages before and after."""
    first = (page - 1) * PAGE_SIZE + 1
    last = first + shown - 1
    caption = f"Filas {first} a {last} de {total}" if shown else f"Página vacía ({total} filas)"
    pages = max(1, -(-total // PAGE_SIZE))
    links = []
    if page > 1:
        links.append(f'<li><a href="?page={page - 1}" rel="prev">Anterior</a></li>')
    links.append(f'<li aria-current="page">Página {page} de {pages}</li>')
    if page < pages:
        links.append(f'<li><a href="?page={page + 1}" rel="next">Siguiente</a></li>')
    return (
        f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
        f'<nav aria-label="Paginación"><ul>{"".join(links)}</ul></nav>'
    )
