"""Socrata's Discovery API (`GET /api/catalog/v1`): the catalog and its usage counters.

sodapy's `datasets()` calls it; the usage collection reads `page_views` (last week, last month,
total) and `download_count` from it, up to 100 assets a request. Anonymous callers see only
public, published views; the owner sees every view except working copies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datos_cali.localportal import auth, licenses, rows, views
from datos_cali.localportal.routing import Request, Response, Route, json_response

if TYPE_CHECKING:
    from datos_cali.localportal.portal import LocalPortal

BAD_NUMBER = "{name} must be a whole number of at least 0, got {value!r}"
BAD_ORDER = "Cannot order the catalog by {value!r}; use name, createdAt or updatedAt"
DEFAULT_LIMIT = 100


class DiscoveryApi:
    def __init__(self, portal: LocalPortal) -> None:
        self.portal = portal

    def routes(self) -> list[Route]:
        return [Route("GET", "/api/catalog/v1", self.catalog, faultable=True)]

    def catalog(self, request: Request) -> Response:
        logged_in = auth.authenticated(request, self.portal.credentials)
        limit = _whole(request.arg("limit"), DEFAULT_LIMIT, "limit")
        offset = _whole(request.arg("offset"), 0, "offset")
        with self.portal.store.read() as conn:
            found = [
                record
                for record in views.all_views(conn)
                if _in_catalog(record, request, logged_in, self._domains(request))
            ]
            found = _order(found, request.arg("order"))
            now = self.portal.epoch()
            results = [self._asset(conn, record, now) for record in found[offset : offset + limit]]
        return json_response({"results": results, "resultSetSize": len(found), "timings": {}})

    def _domains(self, request: Request) -> set[str]:
        names = {self.portal.domain, self.portal.domain.split(":")[0]}
        if request.headers.get("Host"):
            names.add(request.headers["Host"])
        return names

    def _asset(self, conn, record: views.ViewRecord, now: float) -> dict[str, Any]:
        week, month = views.recent_usage(conn, record.id, views.VIEW, now)
        body = record.body
        updated = max(record.rows_updated_at, record.view_last_modified)
        columns = body.get("columns", [])
        return {
            "resource": {
                "name": record.name,
                "id": record.id,
                "parent_fxf": [],
                "description": body.get("description", ""),
                "attribution": body.get("attribution"),
                "type": "dataset",
                "updatedAt": rows.fixed_timestamp(updated),
                "createdAt": rows.fixed_timestamp(record.created_at),
                "metadata_updated_at": rows.fixed_timestamp(record.view_last_modified),
                "data_updated_at": rows.fixed_timestamp(record.rows_updated_at),
                "page_views": {
                    "page_views_last_week": week,
                    "page_views_last_month": month,
                    "page_views_total": record.view_count,
                },
                "columns_name": [c.get("name") for c in columns],
                "columns_field_name": [c.get("fieldName") for c in columns],
                "columns_datatype": [c.get("dataTypeName") for c in columns],
                "columns_description": [c.get("description", "") for c in columns],
                "download_count": record.download_count,
                "provenance": "official",
                "publication_stage": record.stage,
            },
            "classification": {
                "categories": [],
                "tags": [],
                "domain_category": body.get("category"),
                "domain_tags": body.get("tags") or [],
                "domain_metadata": [],
            },
            # The Discovery API names the license by its title, not its code (sodapy's recorded
            # catalog, xmunoz/sodapy tests/test_data/get_datasets.txt).
            "metadata": {
                "domain": self.portal.domain,
                "license": licenses.title(str(body.get("licenseId") or "")),
            },
            "permalink": f"{self.portal.url}/d/{record.id}",
            "link": f"{self.portal.url}/d/{record.id}",
        }


def _whole(raw: str | None, default: int, name: str) -> int:
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit():
        raise views.bad_request(BAD_NUMBER.format(name=name, value=raw))
    return int(raw)


def _truthy(raw: str | None) -> bool | None:
    return None if raw is None else raw.strip().lower() == "true"


def _in_catalog(record: views.ViewRecord, request: Request, logged_in: bool, domains) -> bool:
    """Whether the Discovery API lists a view for this request's filters."""
    if record.parent_id:  # working copies are drafts, never in the catalog
        return False
    public = record.is_public and record.stage == views.PUBLISHED
    if not logged_in and not public:
        return False
    asked_domains = request.args("domains") + request.args("search_context")
    if asked_domains and not any(d in domains for d in asked_domains):
        return False
    only = [kind.rstrip("s") for kind in request.args("only")]
    if only and "dataset" not in only:
        return False
    if (ids := request.args("ids")) and record.id not in ids:
        return False
    body = record.body
    if (categories := request.args("categories")) and body.get("category") not in categories:
        return False
    if (tags := request.args("tags")) and not set(tags) & set(body.get("tags") or []):
        return False
    if (want := _truthy(request.arg("public"))) is not None and want != record.is_public:
        return False
    published = record.stage == views.PUBLISHED
    if (want := _truthy(request.arg("published"))) is not None and want != published:
        return False
    text = (request.arg("q") or "").strip().casefold()
    haystack = f"{record.name} {body.get('description', '')}".casefold()
    return not text or text in haystack


def _order(found: list[views.ViewRecord], raw: str | None) -> list[views.ViewRecord]:
    if not raw:
        return found
    field, _, direction = raw.strip().partition(" ")
    keys = {
        "name": lambda r: r.name.casefold(),
        "createdAt": lambda r: r.created_at,
        "updatedAt": lambda r: max(r.rows_updated_at, r.view_last_modified),
    }
    if field not in keys:
        raise views.bad_request(BAD_ORDER.format(value=raw))
    return sorted(found, key=keys[field], reverse=direction.strip().upper() == "DESC")
