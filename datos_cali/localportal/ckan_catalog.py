"""CKAN's catalog reads on the local portal — what harvesters and standard clients call.

`ckanapi dump datasets --all`, frictionless's CKAN catalog, CKAN harvesters and DCAT exporters
list a portal through these actions, in the shapes real CKAN 2.11/2.12 answers with (checked
side by side against a real CKAN in tests/portals/test_ckan_contract.py):

    package_list                          public package names, sorted
    organization_list (all_fields)        organization names (or dicts), sorted
    current_package_list_with_resources   public packages with resources, newest first
                                          (`limit`, `offset`)
    tag_list                              tag names of public packages, sorted
    status_show                           site and version information
    package_search                        `q` (words in name, title, notes, tags; `*:*` is
                                          everything; `field:value` terms as in fq), `fq` (`field:value` terms joined by
                                          spaces or AND: organization, tags, name, res_format,
                                          license_id, private), `rows`, `start`, `sort` (`name`,
                                          `title_string`, `metadata_modified`, `metadata_created`
                                          asc/desc; `score desc, …` keeps the default order)

Search is plain matching, not Solr: enough for clients that list and filter the catalog.
"""

from __future__ import annotations

import re
from typing import Any

from datos_cali.localportal import ckan_datastore as ds
from datos_cali.localportal import ckan_store as cs
from datos_cali.localportal.ckan_errors import invalid

CKAN_VERSION = "2.11.6"  # the version whose shapes these follow
SEARCH_ROWS_MAX = 1000
DEFAULT_SORT = "score desc, metadata_modified desc"
SORT_KEYS = {
    "name": lambda p: p.name,
    "title_string": lambda p: str(p.body.get("title") or p.name).casefold(),
    "metadata_modified": lambda p: p.modified,
    "metadata_created": lambda p: p.created,
}
FQ_TERM = re.compile(r'(?P<neg>-)?(?P<field>[a-z_]+):(?P<value>"[^"]*"|\S+)')
BAD_SORT = "Cannot sort by field `{field}`"
BAD_FQ = "Invalid fq term: {term}"


def _public(conn) -> list[cs.Package]:
    return [p for p in cs.all_packages(conn) if not p.private]


def package_list(conn, data: dict[str, Any]) -> list[str]:
    names = sorted(p.name for p in _public(conn))
    offset = ds.natural(data.get("offset"), "offset", 0)
    limit = data.get("limit")
    end = None if limit in (None, "") else offset + ds.natural(limit, "limit", 0)
    return names[offset:end]


def organization_list(conn, data: dict[str, Any]) -> list[Any]:
    rows = conn.execute("SELECT name FROM ckan_organizations ORDER BY name").fetchall()
    names = [row[0] for row in rows]
    if not cs.boolean(data.get("all_fields", False), "all_fields"):
        return names
    return [cs.render_organization(conn, cs.organization(conn, name)) for name in names]


def tag_list(conn, data: dict[str, Any]) -> list[str]:
    return sorted({t["name"] for p in _public(conn) for t in p.body.get("tags", [])})


def status_show(site: str) -> dict[str, Any]:
    return {
        "site_title": "datos.cali.gov.co (portal local)",
        "site_description": "",
        "site_url": site,
        "error_emails_to": None,
        "locale_default": "es",
        "extensions": ["datastore"],
        "ckan_version": CKAN_VERSION,
    }


def current_packages(conn, data: dict[str, Any], render) -> list[dict[str, Any]]:
    offset = ds.natural(data.get("offset"), "offset", 0)
    limit = data.get("limit")
    found = _public(conn)  # newest first, as CKAN orders them
    end = None if limit in (None, "") else offset + ds.natural(limit, "limit", 0)
    return [render(p) for p in found[offset:end]]


def _words(record: cs.Package) -> str:
    body = record.body
    tags = " ".join(t["name"] for t in body.get("tags", []))
    return f"{record.name} {body.get('title', '')} {body.get('notes', '')} {tags}".casefold()


def _field_values(conn, record: cs.Package, field: str) -> list[str]:
    body = record.body
    if field == "organization":
        org = cs.organization(conn, record.owner_org) if record.owner_org else None
        return [org.name] if org else []
    if field == "tags":
        return [t["name"] for t in body.get("tags", [])]
    if field == "name":
        return [record.name]
    if field == "res_format":
        return [str(r.body.get("format", "")) for r in cs.resources_of(conn, record.id)]
    if field == "private":
        return [str(record.private).lower()]
    if field in ("license_id", "type"):
        return [str(body.get(field, "dataset" if field == "type" else ""))]
    return [str(body.get(field, ""))]


def _fq(conn, record: cs.Package, fq: str) -> bool:
    text = fq.replace(" AND ", " ").replace("+", "").strip()
    for term in text.split():
        if term in ("*:*",):
            continue
        match = FQ_TERM.fullmatch(term)
        if match is None:
            raise invalid(fq=[BAD_FQ.format(term=term)])
        value = match["value"].strip('"')
        hit = value == "*" or value in _field_values(conn, record, match["field"])
        if hit == bool(match["neg"]):
            return False
    return True


def _sorted(found: list[cs.Package], sort: str) -> list[cs.Package]:
    if not sort or sort.strip() == DEFAULT_SORT or sort.startswith("score"):
        return found
    for part in reversed([s.strip() for s in sort.split(",") if s.strip()]):
        words = part.split()
        key = SORT_KEYS.get(words[0])
        if key is None:
            raise invalid(sort=[BAD_SORT.format(field=words[0])])
        found = sorted(found, key=key, reverse=len(words) > 1 and words[1].lower() == "desc")
    return found


def package_search(conn, data: dict[str, Any], authorized: bool, render) -> dict[str, Any]:
    rows = min(ds.natural(data.get("rows"), "rows", 10), SEARCH_ROWS_MAX)
    start = ds.natural(data.get("start"), "start", 0)
    private = cs.boolean(data.get("include_private", False), "include_private")
    query = str(data.get("q") or "").strip()
    terms = [] if query in ("", "*:*") else query.split()
    # `field:value` terms in q filter like fq (frictionless asks `q=organization:<name>`).
    words = [t.casefold() for t in terms if not FQ_TERM.fullmatch(t)]
    fq = " ".join([str(data.get("fq") or ""), *(t for t in terms if FQ_TERM.fullmatch(t))])
    sort = str(data.get("sort") or DEFAULT_SORT)
    found = [
        record
        for record in cs.all_packages(conn)
        if (not record.private or (private and authorized))
        and all(word in _words(record) for word in words)
        and _fq(conn, record, fq)
    ]
    found = _sorted(found, sort)
    return {
        "count": len(found),
        "results": [render(r) for r in found[start : start + rows]],
        "sort": sort,
        "facets": {},
        "search_facets": {},
    }
