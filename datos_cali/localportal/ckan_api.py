"""CKAN's Action API on the local portal: `/api/3/action/<name>` (and `/api/action/<name>`).

The subset the pipeline and `ckanapi` use, with CKAN's envelopes (`ckan_errors`):

    organization_show  organization_create
    package_show (include_tracking)  package_create  package_patch
    resource_show  resource_create  resource_patch  resource_delete
    datastore_create  datastore_upsert  datastore_delete  datastore_search (q, sort, fields,
    records_format objects|lists|csv)  datastore_info  resource_view_list
    help_show
    package_search  package_list  current_package_list_with_resources  organization_list
    organization_list_for_user (the token's user is a sysadmin; anonymous gets [])
    config_option_list (sysadmins only: how a client tells a sysadmin's token)
    tag_list  status_show  (the catalog reads harvesters use: `ckan_catalog`)

Every action answers POST with a JSON object body (what `ckanapi` sends); the read actions also
answer GET with query parameters (a repeated parameter is a list, `filters` is JSON text). A
write by GET, an unknown action or a body that is not a JSON object answers 400.

Credentials: the API token goes in the `Authorization` header (`X-CKAN-API-Key` is accepted
too). Every write needs the portal's `ckan_token`, else 403 "Authorization Error"; reads of a
private dataset need it as well. A wrong token counts as no token, as in CKAN.

The request log gets, beside what the server records: `dataset_id` = the package name for
package actions, the resource id for resource and DataStore actions; for `datastore_upsert` and
`datastore_create` with records, `rows` and the `row_ids` (primary-key values, or `_id`s) sent;
for `datastore_delete` by primary key, the key values named in `filters`. Successful answers
carry an `X-Request-Id` header. API reads never count as views or downloads (see `ckan_pages`).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from datos_cali.localportal import ckan_catalog as cat
from datos_cali.localportal import ckan_datastore as ds
from datos_cali.localportal import ckan_store as cs
from datos_cali.localportal.ckan_errors import (
    bad_request,
    invalid,
    not_authorized,
    not_found,
    renderer,
)
from datos_cali.localportal.routing import HttpError, Request, Response, Route, json_response

if TYPE_CHECKING:
    from datos_cali.localportal.portal import LocalPortal

PREFIXES = ("/api/3/action/", "/api/action/")
RUNTIME_OPTIONS = ("ckan.site_title", "ckan.site_description", "ckan.site_about")
HELP_URL = "{site}/api/3/action/help_show?name={name}"

UNKNOWN_ACTION = "Action name not known: {name}"
USE_POST = "JSON Error: Invalid request. Please use POST method for your request"
BAD_JSON = "JSON Error: Error decoding JSON data. Error: {reason}"
NOT_A_DICT = "JSON Error: Request data JSON decoded to {value!r} but it needs to be a dictionary."
CANNOT = "User not authorized to call {action}"
CANNOT_READ = "User not authorized to read package {id}"
ORGANIZATION_NOT_FOUND = "Organization was not found."
RESOURCE_OR_ID = "resource_id or resource required"
NOT_BOTH = "resource cannot be used with resource_id"
NO_RESOURCE = "Not found: Resource"
NOT_JSON = "Could not parse as valid JSON"


class CkanApi:
    def __init__(self, portal: LocalPortal) -> None:
        self.portal = portal
        portal.store.ensure_schema(cs.SCHEMA + ds.SCHEMA)
        read, write = True, False
        self.actions: dict[str, tuple[Callable[..., Any], bool]] = {
            "organization_show": (self.organization_show, read),
            "organization_create": (self.organization_create, write),
            "package_show": (self.package_show, read),
            "package_search": (self.package_search, read),
            "package_list": (self.package_list, read),
            "current_package_list_with_resources": (self.current_packages, read),
            "organization_list": (self.organization_list, read),
            "organization_list_for_user": (self.organization_list_for_user, read),
            "config_option_list": (self.config_option_list, read),
            "tag_list": (self.tag_list, read),
            "status_show": (self.status_show, read),
            "datastore_info": (self.datastore_info, read),
            "resource_view_list": (self.resource_view_list, read),
            "package_create": (self.package_create, write),
            "package_patch": (self.package_patch, write),
            "resource_show": (self.resource_show, read),
            "resource_create": (self.resource_create, write),
            "resource_patch": (self.resource_patch, write),
            "resource_delete": (self.resource_delete, write),
            "datastore_create": (self.datastore_create, write),
            "datastore_upsert": (self.datastore_upsert, write),
            "datastore_delete": (self.datastore_delete, write),
            "datastore_search": (self.datastore_search, read),
            "help_show": (self.help_show, read),
        }

    # --- routing --------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        routes = []
        for prefix in PREFIXES:
            for name in self.actions:
                errors = renderer(self._help_of(name))
                for method in ("GET", "POST"):
                    handler = self._handler(name)
                    routes.append(Route(method, prefix + name, handler, errors, faultable=True))
            unknown = renderer(self._help_of("help_show"))
            for method in ("GET", "POST"):
                routes.append(Route(method, prefix + "{action}", self._unknown, unknown, True))
        return routes

    def _help_of(self, name: str) -> Callable[[], str]:
        return lambda: HELP_URL.format(site=self.portal.url, name=name)

    def _unknown(self, request: Request) -> Response:
        raise bad_request(UNKNOWN_ACTION.format(name=request.params["action"]))

    def _handler(self, name: str) -> Callable[[Request], Response]:
        action, side_effect_free = self.actions[name]

        def handle(request: Request) -> Response:
            try:
                if request.method == "GET" and not side_effect_free:
                    raise bad_request(USE_POST)
                data = _request_data(request, side_effect_free)
                authorized = self._authorized(request)
                if not side_effect_free and not authorized:
                    raise not_authorized(CANNOT.format(action=name))
                result = action(request, data, authorized)
            except HttpError as error:
                error.headers.setdefault("X-Request-Id", request.request_id)
                raise
            envelope = {"help": self._help_of(name)(), "success": True, "result": result}
            return json_response(envelope, headers={"X-Request-Id": request.request_id})

        return handle

    def _authorized(self, request: Request) -> bool:
        return token_valid(request, self.portal.credentials.ckan_token)

    # --- shared ---------------------------------------------------------------------------
    @property
    def store(self):
        return self.portal.store

    def _now(self) -> float:
        return self.portal.epoch()

    def _render_package(self, conn, record: cs.Package, tracking: bool = False) -> dict:
        return cs.render_package(
            conn, record, self.portal.url, now=self._now(), include_tracking=tracking
        )

    def _render_resource(self, conn, record: cs.Resource) -> dict:
        owner = cs.require_package(conn, record.package_id)
        return cs.render_resource(conn, record, owner, self.portal.url, now=self._now())

    @staticmethod
    def _readable(record: cs.Package, authorized: bool) -> cs.Package:
        if record.private and not authorized:
            raise not_authorized(CANNOT_READ.format(id=record.id))
        return record

    @staticmethod
    def _resource_id(data: dict[str, Any]) -> Any:
        return data.get("resource_id") or data.get("id")

    # --- organizations --------------------------------------------------------------------
    def organization_show(self, request: Request, data: dict, authorized: bool) -> dict:
        with self.store.read() as conn:
            found = cs.organization(conn, data.get("id", ""))
            if found is None:
                raise not_found(ORGANIZATION_NOT_FOUND)
            return cs.render_organization(conn, found)

    def organization_create(self, request: Request, data: dict, authorized: bool) -> dict:
        request.note.dataset_id = data.get("name")
        with self.store.write() as conn:
            record = cs.create_organization(conn, data, self._now())
            return cs.render_organization(conn, record)

    # --- packages -------------------------------------------------------------------------
    def package_show(self, request: Request, data: dict, authorized: bool) -> dict:
        tracking = cs.boolean(data.get("include_tracking", False), "include_tracking")
        with self.store.read() as conn:
            record = self._readable(cs.require_package(conn, data.get("id")), authorized)
            request.note.dataset_id = record.name
            return self._render_package(conn, record, tracking)

    def package_search(self, request: Request, data: dict, authorized: bool) -> dict:
        with self.store.read() as conn:
            return cat.package_search(
                conn, data, authorized, lambda r: self._render_package(conn, r)
            )

    def package_list(self, request: Request, data: dict, authorized: bool) -> list:
        with self.store.read() as conn:
            return cat.package_list(conn, data)

    def current_packages(self, request: Request, data: dict, authorized: bool) -> list:
        with self.store.read() as conn:
            return cat.current_packages(conn, data, lambda r: self._render_package(conn, r))

    def organization_list(self, request: Request, data: dict, authorized: bool) -> list:
        with self.store.read() as conn:
            return cat.organization_list(conn, data)

    def organization_list_for_user(self, request: Request, data: dict, authorized: bool) -> list:
        """The token's user is this portal's sysadmin: every organization, whatever the
        `permission`; without a valid token, none (CKAN's answer for anonymous)."""
        if not authorized:
            return []
        counted = cs.boolean(data.get("include_dataset_count", False), "include_dataset_count")
        with self.store.read() as conn:
            found = cat.organization_list(conn, {"all_fields": True})
        return [
            o if counted else {k: v for k, v in o.items() if k != "package_count"} for o in found
        ]

    def config_option_list(self, request: Request, data: dict, authorized: bool) -> list:
        """Answered to sysadmins only, as in CKAN (the runtime-editable options)."""
        if not authorized:
            raise not_authorized(CANNOT.format(action="config_option_list"))
        return list(RUNTIME_OPTIONS)

    def tag_list(self, request: Request, data: dict, authorized: bool) -> list:
        with self.store.read() as conn:
            return cat.tag_list(conn, data)

    def status_show(self, request: Request, data: dict, authorized: bool) -> dict:
        return cat.status_show(self.portal.url)

    def resource_view_list(self, request: Request, data: dict, authorized: bool) -> list:
        """No views: CKAN without view plugins (as the real CKANs in the tests) answers []."""
        with self.store.read() as conn:
            record = cs.require_resource(conn, data.get("id"))
            self._readable(cs.require_package(conn, record.package_id), authorized)
        return []

    def datastore_info(self, request: Request, data: dict, authorized: bool) -> dict:
        resource_id = data.get("resource_id") or data.get("id")
        request.note.dataset_id = resource_id
        with self.store.read() as conn:
            table = ds.require(conn, str(resource_id or ""))
            record = cs.resource(conn, resource_id)
            if record is not None:
                self._readable(cs.require_package(conn, record.package_id), authorized)
            return ds.info(conn, table)

    def package_create(self, request: Request, data: dict, authorized: bool) -> dict:
        request.note.dataset_id = data.get("name")
        with self.store.write() as conn:
            record = cs.create_package(conn, data, self._now())
            return self._render_package(conn, record)

    def package_patch(self, request: Request, data: dict, authorized: bool) -> dict:
        with self.store.write() as conn:
            record = cs.require_package(conn, data.get("id"))
            request.note.dataset_id = record.name
            record = cs.patch_package(conn, record, data, self._now())
            return self._render_package(conn, record)

    # --- resources ------------------------------------------------------------------------
    def resource_show(self, request: Request, data: dict, authorized: bool) -> dict:
        with self.store.read() as conn:
            record = cs.require_resource(conn, data.get("id"))
            request.note.dataset_id = record.id
            self._readable(cs.require_package(conn, record.package_id), authorized)
            return self._render_resource(conn, record)

    def resource_create(self, request: Request, data: dict, authorized: bool) -> dict:
        if not data.get("package_id"):
            raise invalid(package_id=[cs.MISSING])
        with self.store.write() as conn:
            owner = cs.require_package(conn, data["package_id"])
            record = cs.create_resource(conn, owner, data, self._now())
            request.note.dataset_id = record.id
            return self._render_resource(conn, record)

    def resource_patch(self, request: Request, data: dict, authorized: bool) -> dict:
        with self.store.write() as conn:
            record = cs.require_resource(conn, data.get("id"))
            request.note.dataset_id = record.id
            record = cs.patch_resource(conn, record, data, self._now())
            return self._render_resource(conn, record)

    def resource_delete(self, request: Request, data: dict, authorized: bool) -> None:
        request.note.dataset_id = data.get("id")
        with self.store.write() as conn:
            record = cs.resource(conn, data.get("id", ""))
            if record is None:
                raise not_found(cs.RESOURCE_NOT_FOUND)
            cs.delete_resource(conn, record, self._now())
        return None

    # --- DataStore ------------------------------------------------------------------------
    def datastore_create(self, request: Request, data: dict, authorized: bool) -> dict:
        given, resource_id = data.get("resource"), self._resource_id(data)
        if given is not None and resource_id:
            raise invalid(resource=[NOT_BOTH])
        if given is None and not resource_id:
            raise invalid(resource_id=[RESOURCE_OR_ID])
        records = data.get("records")
        now = self._now()
        with self.store.write() as conn:
            if given is not None:
                if not isinstance(given, dict) or not given.get("package_id"):
                    raise invalid(package_id=[cs.MISSING])
                owner = cs.require_package(conn, given["package_id"])
                fresh = {**given, "url": "_datastore_only_resource"}
                resource_id = cs.create_resource(conn, owner, fresh, now, url_type="datastore").id
            else:
                record = cs.resource(conn, resource_id)
                if record is None or record.state != cs.ACTIVE:
                    raise invalid(resource_id=[NO_RESOURCE])
                owner = cs.require_package(conn, record.package_id)
            request.note.dataset_id = resource_id
            table = ds.create_or_update(
                conn, resource_id, data.get("fields"), data.get("primary_key")
            )
            if records:
                request.note.rows = len(records) if isinstance(records, list) else None
                request.note.row_ids = ds.write(conn, table, records, "insert")
            cs.touch(conn, owner.id, now)
        result = {k: v for k, v in data.items() if k not in ("records", "resource")}
        result.update(resource_id=resource_id, fields=table.fields)
        if given is not None:
            result["resource"] = {**given, "url": "_datastore_only_resource"}
        return result

    def _writable_table(self, conn, data: dict) -> tuple[ds.Table, cs.Resource]:
        """The table of an active resource (CKAN's write actions call resource_show first)."""
        resource_id = self._resource_id(data)
        record = cs.require_resource(conn, resource_id)
        return ds.require(conn, record.id), record

    def datastore_upsert(self, request: Request, data: dict, authorized: bool) -> dict:
        method = data.get("method", "upsert")
        records = data.get("records") or []
        request.note.dataset_id = self._resource_id(data)
        request.note.rows = len(records) if isinstance(records, list) else None
        dry_run = cs.boolean(data.get("dry_run", False), "dry_run")
        try:
            with self.store.write() as conn:
                table, record = self._writable_table(conn, data)
                request.note.row_ids = ds.write(conn, table, records, method)
                cs.touch(conn, record.package_id, self._now())
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        return {"resource_id": table.resource_id, "method": method}

    def datastore_delete(self, request: Request, data: dict, authorized: bool) -> dict:
        request.note.dataset_id = self._resource_id(data)
        filters = data.get("filters")
        if isinstance(filters, str):
            filters = _json_param(filters, "filters")
        with self.store.write() as conn:
            table, record = self._writable_table(conn, data)
            if filters is None:  # no filters: the table itself goes, as in CKAN
                ds.drop(conn, table.resource_id)
            else:
                _deleted, named = ds.delete(conn, table, filters)
                if named:
                    request.note.rows, request.note.row_ids = len(named), named
            cs.touch(conn, record.package_id, self._now())
        result = {"resource_id": table.resource_id}
        if filters is not None:
            result["filters"] = filters
        return result

    def datastore_search(self, request: Request, data: dict, authorized: bool) -> dict:
        resource_id = self._resource_id(data)
        request.note.dataset_id = resource_id
        params = dict(data)
        if isinstance(params.get("filters"), str):
            params["filters"] = _json_param(params["filters"], "filters")
        params["include_total"] = cs.boolean(params.get("include_total", True), "include_total")
        with self.store.read() as conn:
            table = ds.require(conn, str(resource_id or ""))
            record = cs.resource(conn, resource_id)
            if record is not None:
                self._readable(cs.require_package(conn, record.package_id), authorized)
            return ds.search(conn, table, params)

    def help_show(self, request: Request, data: dict, authorized: bool) -> str:
        name = data.get("name")
        if name not in self.actions:
            raise not_found(UNKNOWN_ACTION.format(name=name))
        return f"{name}: see CKAN's Action API reference (local portal subset)."


def token_valid(request: Request, expected: str) -> bool:
    """Whether the request carries the CKAN API token (a wrong one counts as none)."""
    given = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key")
    if not given or not expected:
        return False
    token = given.strip().removeprefix("Bearer ").strip()
    valid = hmac.compare_digest(token.encode(), expected.encode())
    request.note.authenticated = valid
    return valid


class _DryRun(Exception):
    """Rolls back a `dry_run` write after it was validated."""


def _json_param(text: str, field: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise invalid(**{field: [NOT_JSON]}) from None


def _request_data(request: Request, side_effect_free: bool) -> dict[str, Any]:
    """The action's data dict: the JSON body, or the query parameters of a read."""
    if request.method == "GET" or (side_effect_free and not request.body.strip()):
        data: dict[str, Any] = {}
        for key, value in request.query_pairs:
            if key in data:
                previous = data[key]
                data[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                data[key] = value
        return data
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(BAD_JSON.format(reason=exc)) from None
    if not isinstance(data, dict):
        raise bad_request(NOT_A_DICT.format(value=data))
    return data
