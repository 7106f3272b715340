"""CKAN's catalog on the local portal: organizations, packages (datasets), resources, tracking.

Each object keeps what clients sent in a JSON `body` (unknown keys included, as CKAN keeps
package and resource extras) while the fields the server owns — ids, names, state, privacy,
timestamps, the organization, the resource list — live in their own columns and are merged in
when the object is rendered, so no write can overwrite them. Behaviour follows
`ckan/logic/action`:

- `package_patch` replaces each top-level key it receives whole (`extras`, `tags`, `resources`
  included); a `resources` list keeps the resources it names by `id` (their fields replaced by
  the ones sent), creates those without one, and deletes the package's others;
- a resource a `resources` list leaves out is deleted, but its DataStore table stays readable
  (as in CKAN) until a `resource_delete` in the package drops the tables of deleted resources;
- a resource whose table was made by `datastore_create` has `url_type` "datastore"; its `url`
  is the download endpoint `/dataset/<package id>/resource/<id>/download/<package name>.csv`;
- `tracking_summary` is `{"total", "recent"}` (recent = the last 14 days), counted as pages are
  viewed and resources downloaded — at once, where CKAN's nightly job would lag a day.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from datos_cali.localportal import ckan_datastore
from datos_cali.localportal import ckan_values as cv
from datos_cali.localportal.ckan_errors import invalid, not_found

SCHEMA = """
CREATE TABLE IF NOT EXISTS ckan_organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS ckan_packages (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    owner_org TEXT,
    private INTEGER NOT NULL,
    body TEXT NOT NULL,
    created REAL NOT NULL,
    modified REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS ckan_resources (
    id TEXT PRIMARY KEY,
    package_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    state TEXT NOT NULL,
    url_type TEXT,
    body TEXT NOT NULL,
    created REAL NOT NULL,
    modified REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ckan_resources_by_package ON ckan_resources (package_id, position);
CREATE TABLE IF NOT EXISTS ckan_tracking (
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ckan_tracking_by_object ON ckan_tracking (kind, object_id, at);
"""

PACKAGE, RESOURCE = "package", "resource"
RECENT_DAYS = 14
ACTIVE, DELETED = "active", "deleted"

NAME_RULE = "Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"
NAME_LENGTH = "Name must be between 2 and 100 characters long"
NAME_TAKEN = "That URL is already in use."
GROUP_NAME_TAKEN = "Group name already exists in database"
MISSING = "Missing value"
NO_ORGANIZATION = "Organization does not exist"
PRIVATE_WITHOUT_ORG = "Datasets with no organization can't be private."
BAD_TAG = 'Tag "{tag}" must be alphanumeric characters or symbols: -_.'
TAG_LENGTH = 'Tag "{tag}" length must be between 2 and 100 characters'
BAD_TAGS = "tags must be a list of dicts with a name"
BAD_EXTRAS = "extras must be a list of dicts with a key and a text value"
DUPLICATE_EXTRA = 'extra key "{key}" is repeated'
BAD_RESOURCES = "resources must be a list of dicts"
UNKNOWN_RESOURCE = 'resource "{id}" does not belong to this dataset'
NOT_A_BOOLEAN = "Value must be a boolean"
DATASET_NOT_FOUND = "Dataset not found"
RESOURCE_NOT_FOUND = "Resource was not found."
ORGANIZATION_NOT_FOUND = "Organization was not found."

LICENSES = {
    "cc-by": "Creative Commons Attribution",
    "cc-by-sa": "Creative Commons Attribution Share-Alike",
    "cc-zero": "Creative Commons CCZero",
    "cc-nc": "Creative Commons Non-Commercial (Any)",
    "odc-by": "Open Data Commons Attribution License",
    "odc-odbl": "Open Data Commons Open Database License (ODbL)",
    "odc-pddl": "Open Data Commons Public Domain Dedication and License (PDDL)",
    "other-open": "Other (Open)",
    "other-pd": "Other (Public Domain)",
    "other-at": "Other (Attribution)",
    "notspecified": "License not specified",
}

_NAME = re.compile(r"^[a-z0-9_-]+$")
_TAG = re.compile(r"^[\w \-.]+$")
# Keys the server owns: ignored when a client sends them.
_PACKAGE_SERVER_KEYS = frozenset(
    {
        "id",
        "name",
        "owner_org",
        "private",
        "state",
        "resources",
        "organization",
        "metadata_created",
        "metadata_modified",
        "num_resources",
        "num_tags",
        "tracking_summary",
        "license_title",
        "creator_user_id",
    }
)
_RESOURCE_SERVER_KEYS = frozenset(
    {
        "id",
        "package_id",
        "position",
        "state",
        "created",
        "metadata_modified",
        "datastore_active",
        "tracking_summary",
        "url_type",
    }
)


def boolean(value: Any, field: str) -> bool:
    """CKAN's boolean_validator: a JSON boolean, or one of its words."""
    try:
        return cv.boolean(value)
    except cv.BadValue:
        raise invalid(**{field: [NOT_A_BOOLEAN]}) from None


def _iso(epoch: float) -> str:
    return (
        datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    )


def _check_name(value: Any, field: str = "name") -> str:
    if not isinstance(value, str) or not value:
        raise invalid(**{field: [MISSING]})
    if not 2 <= len(value) <= 100:
        raise invalid(**{field: [NAME_LENGTH]})
    if not _NAME.match(value):
        raise invalid(**{field: [NAME_RULE]})
    return value


# --- organizations ----------------------------------------------------------------------------


@dataclass
class Organization:
    id: str
    name: str
    body: dict[str, Any]
    created: float


def organization(conn: sqlite3.Connection, id_or_name: Any) -> Organization | None:
    row = conn.execute(
        "SELECT id, name, body, created FROM ckan_organizations WHERE id = ? OR name = ?",
        (str(id_or_name), str(id_or_name)),
    ).fetchone()
    return Organization(row[0], row[1], json.loads(row[2]), row[3]) if row else None


def create_organization(conn: sqlite3.Connection, data: dict[str, Any], now: float) -> Organization:
    name = _check_name(data.get("name"))
    if organization(conn, name) is not None:
        raise invalid(name=[GROUP_NAME_TAKEN])
    body = {k: v for k, v in data.items() if k not in ("id", "name", "created", "packages")}
    record = Organization(str(uuid.uuid4()), name, body, now)
    conn.execute(
        "INSERT INTO ckan_organizations (id, name, body, created) VALUES (?, ?, ?, ?)",
        (record.id, record.name, json.dumps(body, ensure_ascii=False), now),
    )
    return record


def render_organization(conn: sqlite3.Connection, record: Organization) -> dict[str, Any]:
    count = conn.execute(
        "SELECT count(*) FROM ckan_packages WHERE owner_org = ? AND private = 0", (record.id,)
    ).fetchone()[0]
    return {
        "id": record.id,
        "name": record.name,
        "title": record.body.get("title") or record.name,
        "description": record.body.get("description", ""),
        "image_url": record.body.get("image_url", ""),
        "type": "organization",
        "is_organization": True,
        "state": ACTIVE,
        "approval_status": "approved",
        "created": _iso(record.created),
        "package_count": count,
        **{k: v for k, v in record.body.items() if k not in ("title", "description", "image_url")},
    }


def _embedded(organization: dict[str, Any]) -> dict[str, Any]:
    """An organization inside a package, as CKAN shows it there: without `package_count`."""
    return {k: v for k, v in organization.items() if k != "package_count"}


# --- packages ---------------------------------------------------------------------------------


@dataclass
class Package:
    id: str
    name: str
    owner_org: str | None
    private: bool
    body: dict[str, Any]
    created: float
    modified: float


_PACKAGE_COLUMNS = "id, name, owner_org, private, body, created, modified"


def _package(row: tuple) -> Package:
    return Package(row[0], row[1], row[2], bool(row[3]), json.loads(row[4]), row[5], row[6])


def package(conn: sqlite3.Connection, id_or_name: Any) -> Package | None:
    row = conn.execute(
        f"SELECT {_PACKAGE_COLUMNS} FROM ckan_packages WHERE id = ? OR name = ?",
        (str(id_or_name), str(id_or_name)),
    ).fetchone()
    return _package(row) if row else None


def require_package(conn: sqlite3.Connection, id_or_name: Any) -> Package:
    found = package(conn, id_or_name) if id_or_name else None
    if found is None:
        raise not_found(DATASET_NOT_FOUND)
    return found


def all_packages(conn: sqlite3.Connection) -> list[Package]:
    rows = conn.execute(
        f"SELECT {_PACKAGE_COLUMNS} FROM ckan_packages ORDER BY modified DESC, rowid DESC"
    ).fetchall()
    return [_package(row) for row in rows]


def _check_tags(tags: Any) -> list[dict[str, Any]]:
    if not isinstance(tags, list) or not all(isinstance(t, dict) for t in tags):
        raise invalid(tags=[BAD_TAGS])
    checked = []
    for tag in tags:
        name = tag.get("name")
        if not isinstance(name, str):
            raise invalid(tags=[BAD_TAGS])
        if not 2 <= len(name) <= 100:
            raise invalid(tags=[TAG_LENGTH.format(tag=name)])
        if not _TAG.match(name):
            raise invalid(tags=[BAD_TAG.format(tag=name)])
        checked.append({"name": name})
    return checked


def _check_extras(extras: Any) -> list[dict[str, str]]:
    if not isinstance(extras, list):
        raise invalid(extras=[BAD_EXTRAS])
    checked, seen = [], set()
    for extra in extras:
        if (
            not isinstance(extra, dict)
            or not isinstance(extra.get("key"), str)
            or not extra["key"]
            or not isinstance(extra.get("value", ""), str)
        ):
            raise invalid(extras=[BAD_EXTRAS])
        if extra["key"] in seen:
            raise invalid(extras=[DUPLICATE_EXTRA.format(key=extra["key"])])
        seen.add(extra["key"])
        checked.append({"key": extra["key"], "value": extra.get("value", "")})
    return checked


def _owner(conn: sqlite3.Connection, given: Any) -> str | None:
    if given in (None, ""):
        return None
    found = organization(conn, given)
    if found is None:
        raise invalid(owner_org=[NO_ORGANIZATION])
    return found.id


def _package_body(data: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    for key, value in data.items():
        if key in _PACKAGE_SERVER_KEYS:
            continue
        if key == "tags":
            value = _check_tags(value)
        elif key == "extras":
            value = _check_extras(value)
        body[key] = value
    return body


def create_package(conn: sqlite3.Connection, data: dict[str, Any], now: float) -> Package:
    name = _check_name(data.get("name"))
    if package(conn, name) is not None:
        raise invalid(name=[NAME_TAKEN])
    owner = _owner(conn, data.get("owner_org"))
    private = boolean(data.get("private", False), "private")
    if private and owner is None:
        raise invalid(private=[PRIVATE_WITHOUT_ORG])
    body = _package_body(data, {"type": "dataset"})
    record = Package(str(uuid.uuid4()), name, owner, private, body, now, now)
    _save_package(conn, record)
    if "resources" in data:
        set_resources(conn, record, data["resources"], now)
    return record


def patch_package(
    conn: sqlite3.Connection, record: Package, data: dict[str, Any], now: float
) -> Package:
    if "name" in data and data["name"] != record.name:
        name = _check_name(data["name"])
        if package(conn, name) is not None:
            raise invalid(name=[NAME_TAKEN])
        record.name = name
    if "owner_org" in data:
        record.owner_org = _owner(conn, data["owner_org"])
    if "private" in data:
        record.private = boolean(data["private"], "private")
    if record.private and record.owner_org is None:
        raise invalid(private=[PRIVATE_WITHOUT_ORG])
    record.body = _package_body(data, record.body)
    record.modified = now
    _save_package(conn, record)
    if "resources" in data:
        set_resources(conn, record, data["resources"], now)
    return record


def _save_package(conn: sqlite3.Connection, record: Package) -> None:
    conn.execute(
        f"INSERT INTO ckan_packages ({_PACKAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, owner_org = excluded.owner_org, "
        "private = excluded.private, body = excluded.body, modified = excluded.modified",
        (
            record.id,
            record.name,
            record.owner_org,
            int(record.private),
            json.dumps(record.body, ensure_ascii=False),
            record.created,
            record.modified,
        ),
    )


def touch(conn: sqlite3.Connection, package_id: str, now: float) -> None:
    conn.execute("UPDATE ckan_packages SET modified = ? WHERE id = ?", (now, package_id))


def render_package(
    conn: sqlite3.Connection,
    record: Package,
    site: str,
    *,
    now: float,
    include_tracking: bool = False,
) -> dict[str, Any]:
    body = record.body
    org = organization(conn, record.owner_org) if record.owner_org else None
    resources = [
        render_resource(conn, r, record, site, now=now, include_tracking=include_tracking)
        for r in resources_of(conn, record.id)
    ]
    # As CKAN answers: tags sorted by name, extras sorted by key (≤2.11; 2.12 keeps database
    # order) — whatever order they were sent in.
    tags = [
        {"name": t["name"], "display_name": t["name"], "state": ACTIVE, "vocabulary_id": None}
        for t in sorted(body.get("tags", []), key=lambda t: t["name"])
    ]
    license_id = body.get("license_id")
    rendered = {
        "id": record.id,
        "name": record.name,
        "title": body.get("title") or record.name,
        "notes": body.get("notes", ""),
        "type": body.get("type", "dataset"),
        "state": ACTIVE,
        "private": record.private,
        "owner_org": record.owner_org,
        "organization": _embedded(render_organization(conn, org)) if org else None,
        "license_id": license_id,
        "license_title": LICENSES.get(license_id or "", license_id),
        "author": body.get("author"),
        "maintainer": body.get("maintainer"),
        "url": body.get("url"),
        "version": body.get("version"),
        "groups": [],
        "metadata_created": _iso(record.created),
        "metadata_modified": _iso(record.modified),
        **{k: v for k, v in body.items() if k not in ("tags", "type")},
        "tags": tags,
        "num_tags": len(tags),
        "extras": sorted(body.get("extras", []), key=lambda e: e["key"]),
        "resources": resources,
        "num_resources": len(resources),
    }
    if include_tracking:
        rendered["tracking_summary"] = tracking_summary(conn, PACKAGE, record.id, now)
    return rendered


# --- resources --------------------------------------------------------------------------------


@dataclass
class Resource:
    id: str
    package_id: str
    position: int
    state: str
    url_type: str | None
    body: dict[str, Any]
    created: float
    modified: float


_RESOURCE_COLUMNS = "id, package_id, position, state, url_type, body, created, modified"


def _resource(row: tuple) -> Resource:
    return Resource(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6], row[7])


def resource(conn: sqlite3.Connection, resource_id: Any) -> Resource | None:
    row = conn.execute(
        f"SELECT {_RESOURCE_COLUMNS} FROM ckan_resources WHERE id = ?", (str(resource_id),)
    ).fetchone()
    return _resource(row) if row else None


def require_resource(conn: sqlite3.Connection, resource_id: Any) -> Resource:
    found = resource(conn, resource_id) if resource_id else None
    if found is None or found.state != ACTIVE:
        raise not_found(RESOURCE_NOT_FOUND)
    return found


def resources_of(conn: sqlite3.Connection, package_id: str) -> list[Resource]:
    rows = conn.execute(
        f"SELECT {_RESOURCE_COLUMNS} FROM ckan_resources WHERE package_id = ? AND state = ? "
        "ORDER BY position",
        (package_id, ACTIVE),
    ).fetchall()
    return [_resource(row) for row in rows]


def _resource_body(data: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    body.update({k: v for k, v in data.items() if k not in _RESOURCE_SERVER_KEYS})
    return body


def create_resource(
    conn: sqlite3.Connection,
    owner: Package,
    data: dict[str, Any],
    now: float,
    *,
    url_type: str | None = None,
) -> Resource:
    position = len(resources_of(conn, owner.id))
    body = _resource_body(data, {"name": "", "description": "", "format": "", "url": ""})
    record = Resource(
        str(uuid.uuid4()),
        owner.id,
        position,
        ACTIVE,
        url_type or data.get("url_type"),
        body,
        now,
        now,
    )
    _save_resource(conn, record)
    touch(conn, owner.id, now)
    return record


def patch_resource(
    conn: sqlite3.Connection, record: Resource, data: dict[str, Any], now: float
) -> Resource:
    record.body = _resource_body(data, record.body)
    record.modified = now
    _save_resource(conn, record)
    touch(conn, record.package_id, now)
    return record


def delete_resource(conn: sqlite3.Connection, record: Resource, now: float) -> None:
    """`resource_delete`: the resource leaves its package; the DataStore drops the tables of it
    and of every other deleted resource of the package (CKAN's `after_resource_delete`), so
    deleting an already-deleted resource is how a table retired by `package_patch` is dropped."""
    if record.state == ACTIVE:
        _retire(conn, record, now)
        _renumber(conn, record.package_id)
    retired = conn.execute(
        "SELECT id FROM ckan_resources WHERE package_id = ? AND state = ?",
        (record.package_id, DELETED),
    ).fetchall()
    for (resource_id,) in retired:
        ckan_datastore.drop(conn, resource_id)


def _retire(conn: sqlite3.Connection, record: Resource, now: float) -> None:
    record.state, record.modified = DELETED, now
    _save_resource(conn, record)
    touch(conn, record.package_id, now)


def _renumber(conn: sqlite3.Connection, package_id: str) -> None:
    for position, item in enumerate(resources_of(conn, package_id)):
        conn.execute("UPDATE ckan_resources SET position = ? WHERE id = ?", (position, item.id))


def set_resources(conn: sqlite3.Connection, owner: Package, given: Any, now: float) -> None:
    """A package's whole resource list, as `package_update` sets it."""
    if not isinstance(given, list) or not all(isinstance(r, dict) for r in given):
        raise invalid(resources=[BAD_RESOURCES])
    current = {r.id: r for r in resources_of(conn, owner.id)}
    kept: list[Resource] = []
    for data in given:
        known = current.get(data.get("id")) if data.get("id") else None
        if data.get("id") and known is None:
            raise invalid(resources=[UNKNOWN_RESOURCE.format(id=data["id"])])
        if known is None:
            kept.append(create_resource(conn, owner, data, now))
            continue
        fresh = {k: v for k, v in data.items() if k not in _RESOURCE_SERVER_KEYS}
        if known.url_type == "datastore":  # its address is the portal's download endpoint
            fresh["url"] = known.body.get("url", "")
        known.body, known.modified = fresh, now
        kept.append(known)
    named = {r.id for r in kept}
    for item in current.values():
        if item.id not in named:
            _retire(conn, item, now)  # the DataStore table stays until datastore_delete
    for position, item in enumerate(kept):
        item.position = position
        _save_resource(conn, item)
    touch(conn, owner.id, now)


def _save_resource(conn: sqlite3.Connection, record: Resource) -> None:
    conn.execute(
        f"INSERT INTO ckan_resources ({_RESOURCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET position = excluded.position, state = excluded.state, "
        "url_type = excluded.url_type, body = excluded.body, modified = excluded.modified",
        (
            record.id,
            record.package_id,
            record.position,
            record.state,
            record.url_type,
            json.dumps(record.body, ensure_ascii=False),
            record.created,
            record.modified,
        ),
    )


def download_path(record: Resource, owner: Package) -> str:
    return f"/dataset/{owner.id}/resource/{record.id}/download/{owner.name}.csv"


def render_resource(
    conn: sqlite3.Connection,
    record: Resource,
    owner: Package,
    site: str,
    *,
    now: float,
    include_tracking: bool = False,
) -> dict[str, Any]:
    active = ckan_datastore.get(conn, record.id) is not None
    url = record.body.get("url", "")
    if record.url_type == "datastore":
        url = site + download_path(record, owner)
    rendered = {
        **record.body,
        "id": record.id,
        "package_id": record.package_id,
        "url": url,
        "url_type": record.url_type,
        "datastore_active": active,
        "position": record.position,
        "state": record.state,
        "created": _iso(record.created),
        "metadata_modified": _iso(record.modified),
        "last_modified": _iso(record.modified),
        "mimetype": record.body.get("mimetype"),
        "size": record.body.get("size"),
        "hash": record.body.get("hash", ""),
    }
    if include_tracking:
        rendered["tracking_summary"] = tracking_summary(conn, RESOURCE, record.id, now)
    return rendered


# --- tracking ---------------------------------------------------------------------------------


def track(conn: sqlite3.Connection, kind: str, object_id: str, now: float) -> None:
    conn.execute(
        "INSERT INTO ckan_tracking (kind, object_id, at) VALUES (?, ?, ?)", (kind, object_id, now)
    )


def tracking_summary(conn: sqlite3.Connection, kind: str, object_id: str, now: float) -> dict:
    total, recent = conn.execute(
        "SELECT count(*), coalesce(sum(at > ?), 0) FROM ckan_tracking "
        "WHERE kind = ? AND object_id = ? AND at <= ?",
        (now - RECENT_DAYS * 86400, kind, object_id, now),
    ).fetchone()
    return {"total": int(total), "recent": int(recent)}
