"""CKAN's public side on the local portal: the dataset page and the resource download.

`/dataset/<name>` is the page a citizen opens on datos.cali.gov.co: in Spanish and accessible
(headings, captions, header cells with scope), with the metadata, the resources and a paged
preview of the table. Showing it counts one package view. A resource's file,
`/dataset/<id>/resource/<resource id>/download/<file>.csv`, streams the DataStore table as CSV
and counts one download of that resource; so does CKAN's table download,
`/datastore/dump/<resource id>` (`_id` first, as CKAN writes it). These are the only things
tracking counts (API reads
do not), as CKAN's tracking counts page views and resource clicks; they are never faulted.
Private datasets answer 403 unless the request carries the CKAN API token.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING, Any

from datos_cali.localportal import ckan_datastore as ds
from datos_cali.localportal import ckan_store as cs
from datos_cali.localportal import ckan_values as cv
from datos_cali.localportal.ckan_api import token_valid
from datos_cali.localportal.pages import PAGE_SIZE, document, html_error, page_number, paged_table
from datos_cali.localportal.routing import (
    CSV_TYPE,
    HTML_TYPE,
    HttpError,
    Request,
    Response,
    Route,
    csv_stream,
)

if TYPE_CHECKING:
    from datos_cali.localportal.portal import LocalPortal

NOT_FOUND_TEXT = "No existe un conjunto de datos con el nombre o identificador «{id}»."
PRIVATE_TEXT = "El conjunto de datos «{id}» todavía no es público."
NO_FILE_TEXT = "El conjunto de datos «{id}» no tiene un recurso descargable «{resource}»."
NO_ROWS = "Este recurso no tiene filas."
NO_TABLE = "Este conjunto de datos todavía no tiene una tabla de datos."


class CkanPages:
    def __init__(self, portal: LocalPortal) -> None:
        self.portal = portal

    def routes(self) -> list[Route]:
        download = "/dataset/{id}/resource/{rid}/download/{file}"
        return [
            Route("GET", "/dataset/{id}", self.dataset, errors=html_error),
            Route("GET", download, self.download, errors=html_error),
            Route("GET", "/datastore/dump/{rid}", self.dump, errors=html_error),
        ]

    def _visible(self, request: Request, record: cs.Package | None, wanted: str) -> cs.Package:
        if record is None:
            raise HttpError(404, "not_found", NOT_FOUND_TEXT.format(id=wanted))
        if record.private and not token_valid(request, self.portal.credentials.ckan_token):
            raise HttpError(403, "permission_denied", PRIVATE_TEXT.format(id=wanted))
        return record

    # --- the dataset page -----------------------------------------------------------------
    def dataset(self, request: Request) -> Response:
        wanted = request.params["id"]
        now = self.portal.epoch()
        with self.portal.store.write() as conn:
            record = self._visible(request, cs.package(conn, wanted), wanted)
            request.note.dataset_id = record.name
            cs.track(conn, cs.PACKAGE, record.id, now)
        page = page_number(request.arg("page"))
        with self.portal.store.read() as conn:
            shown = cs.render_package(conn, record, "", now=now, include_tracking=True)
            table = _first_table(conn, shown["resources"])
            preview = None
            if table is not None:
                params = {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
                preview = (table, ds.search(conn, table, params))
        body = _header(shown) + _extras(shown) + _resources(shown) + _preview(preview, page)
        title = f"{shown['title']} — datos.cali.gov.co (portal local)"
        return Response(200, document(title, body), HTML_TYPE)

    # --- downloads ------------------------------------------------------------------------
    def download(self, request: Request) -> Response:
        wanted, resource_id = request.params["id"], request.params["rid"]
        request.note.dataset_id = resource_id
        with self.portal.store.write() as conn:
            record = self._visible(request, cs.package(conn, wanted), wanted)
            item = cs.resource(conn, resource_id)
            table = ds.get(conn, resource_id)
            if item is None or item.package_id != record.id or item.state != cs.ACTIVE or not table:
                message = NO_FILE_TEXT.format(id=wanted, resource=resource_id)
                raise HttpError(404, "not_found", message)
            cs.track(conn, cs.RESOURCE, resource_id, self.portal.epoch())
        headers = {"Content-Disposition": f'attachment; filename="{request.params["file"]}"'}
        return Response(200, self._csv(table), CSV_TYPE, headers)

    def dump(self, request: Request) -> Response:
        """CKAN's table download, `/datastore/dump/<resource id>` (CSV; `_id` first, as CKAN
        writes it): counted as a download of the resource, as the file link is."""
        resource_id = request.params["rid"]
        request.note.dataset_id = resource_id
        with self.portal.store.write() as conn:
            item = cs.resource(conn, resource_id)
            table = ds.get(conn, resource_id)
            record = cs.package(conn, item.package_id) if item is not None else None
            if item is None or record is None or item.state != cs.ACTIVE or not table:
                message = NO_FILE_TEXT.format(id="?", resource=resource_id)
                raise HttpError(404, "not_found", message)
            self._visible(request, record, resource_id)
            cs.track(conn, cs.RESOURCE, resource_id, self.portal.epoch())
        headers = {"Content-Disposition": f'attachment; filename="{resource_id}.csv"'}
        return Response(200, self._csv(table, with_id=True), CSV_TYPE, headers)

    def _csv(self, table: ds.Table, *, with_id: bool = False) -> Iterator[bytes]:
        names = (["_id"] if with_id else []) + [f["id"] for f in table.fields]
        rows = ds.iterate(self.portal.store, table)
        return csv_stream(names, ([cv.csv_cell(row.get(name)) for name in names] for row in rows))


# --- HTML pieces ------------------------------------------------------------------------------


def _first_table(conn, resources: list[dict[str, Any]]) -> ds.Table | None:
    for resource in resources:
        if resource["datastore_active"]:
            return ds.get(conn, resource["id"])
    return None


def _downloads(shown: dict[str, Any]) -> int:
    return sum(
        r["tracking_summary"]["total"] + int(r.get("descargas_previas") or 0)
        for r in shown["resources"]
    )


def _header(shown: dict[str, Any]) -> str:
    organization = shown["organization"]["title"] if shown["organization"] else "—"
    facts = [
        ("Nombre", shown["name"]),
        ("Organización", organization),
        ("Licencia", shown["license_title"] or "—"),
        ("Etiquetas", ", ".join(t["name"] for t in shown["tags"]) or "—"),
        ("Última modificación", shown["metadata_modified"][:16].replace("T", " ") + " UTC"),
        ("Vistas", str(shown["tracking_summary"]["total"])),
        ("Descargas", str(_downloads(shown))),
    ]
    listing = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    return (
        f"<h1>{escape(shown['title'])}</h1>"
        f"<p>{escape(str(shown.get('notes') or ''))}</p><dl>{listing}</dl>"
    )


def _extras(shown: dict[str, Any]) -> str:
    if not shown["extras"]:
        return ""
    rows = "".join(
        f'<tr><th scope="row">{escape(e["key"])}</th><td>{escape(e["value"])}</td></tr>'
        for e in shown["extras"]
    )
    return (
        "<h2>Información adicional</h2><table><caption>Metadatos del conjunto</caption>"
        '<thead><tr><th scope="col">Campo</th><th scope="col">Valor</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _resources(shown: dict[str, Any]) -> str:
    items = []
    for resource in shown["resources"]:
        name = escape(resource.get("name") or resource["id"])
        if resource["url_type"] == "datastore":
            link = f'<a href="{escape(resource["url"])}">Descargar CSV</a>'
        elif resource.get("url"):
            link = f'<a href="{escape(resource["url"])}">Abrir enlace</a>'
        else:
            link = ""
        items.append(f"<li>{name} {('— ' + link) if link else ''}</li>")
    return "<h2>Recursos</h2>" + (f"<ul>{''.join(items)}</ul>" if items else "<p>—</p>")


def _preview(preview: tuple[ds.Table, dict[str, Any]] | None, page: int) -> str:
    if preview is None:
        return f"<h2>Vista previa de los datos</h2><p>{NO_TABLE}</p>"
    table, found = preview
    total = found["total"]
    if total == 0:
        return f"<h2>Vista previa de los datos</h2><p>{NO_ROWS}</p>"
    labels = {f["id"]: (f.get("info") or {}).get("label") or f["id"] for f in table.fields}
    names = [f["id"] for f in table.fields]
    head = "".join(f'<th scope="col" title="{escape(n)}">{escape(labels[n])}</th>' for n in names)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cv.csv_cell(r.get(n)))}</td>" for n in names) + "</tr>"
        for r in found["records"]
    )
    shown = len(found["records"])
    return "<h2>Vista previa de los datos</h2>" + paged_table(head, body, shown, page, total)
