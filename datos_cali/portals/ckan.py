"""datos.cali.gov.co (CKAN) through ckanapi — the only module that imports ckanapi.

How a catalog dataset lives on CKAN:

- The asset id is the package name, which is the catalog slug: stable, readable, and the page is
  `<site>/dataset/<slug>`. The package belongs to the organization named by the organismo's slug
  (created on first use). Metadata: `title`, `notes` (description), `tags`, `license_id`, and
  `extras` carrying the MinTIC fields (`DatasetSpec.custom_fields` flattened, one extra per
  field named as the field, e.g. "Frecuencia de Actualización", plus "Categoría"). Updates
  read, merge and write back: extras and resources the pipeline does not own are kept.
- The rows are a DataStore table in one resource of the package, marked `datos_cali_rol:
  tabla`. Column types (`FIELD_TYPES`): text and url → `text`; number and money → `numeric`;
  calendar_date → `timestamp`; checkbox → `bool`; point → `text` holding GeoJSON,
  `{"type":"Point","coordinates":[lon,lat]}`, longitude first as on datos.gov.co. Column names
  and descriptions go in each field's `info` (CKAN's data dictionary: `label`, `notes`). The row
  identifier is the table's `primary_key`.
- Changed rows go by `datastore_upsert` (method upsert) in the engine's chunks; rows gone from
  the source by `datastore_delete` with `filters` {row identifier: [keys]}. CKAN's write answers
  carry no counts, so created/deleted come from `total` read before and after each write.
- Without a row identifier, `replace` on a published dataset never lets a reader see a half
  table. CKAN has no working copies, so: (1) a new DataStore resource ("… (actualización en
  curso)", `datos_cali_rol: carga`) is loaded completely — inserted, numbered by the DataStore
  (CKAN ≤2.11 ignores an explicit `_id` on insert, so rows are never addressed by it; a chunk
  whose answer was lost is resent only if the table's total shows it did not land); (2) its
  `total` is checked; (3) one
  `package_patch` of the package's `resources` list puts it in the old table's place, renamed —
  the swap is a single write; (4) `resource_delete` of the old resource then drops its table.
  Until step 3 the package's table and the old resource id give the complete old table (the
  resource being loaded is listed too — CKAN has no private resources — but named as
  unfinished); from step 3 the package lists only the complete new table, and the old id
  answers 404 from step 4. A failed load deletes its half-loaded resource; leftovers of a crash are deleted
  at the start of the next replace. CKAN counts downloads per resource, so the old table's
  downloads are carried in the new resource's `descargas_previas` and `usage()` adds them.
  A dataset that is still private (just created) is loaded in place.
- Metadata is compared the way CKAN means it: tags as a set (real CKAN answers them sorted by
  name) and extras as a mapping (sorted up to 2.11, database order from 2.12), so an unchanged
  dataset sends no write at all.
- Columns added, removed, reordered or retyped in the spec: the live table is not altered (CKAN
  ≤2.10 refuses reordered or inserted fields; 2.11+ would show the change before the rows
  follow). `update_metadata` notes the dataset as `reshaped` and the engine replaces it whole
  through the same swap as above, keyed rows upserted by the row identifier into the new table.
- Retries: the urllib3 policies of `http` mounted on the requests session given to RemoteCKAN:
  `idempotent` for reads and for writes that can be repeated (package_patch, upserts by key,
  deletes by filter, resource_delete), `careful` for creations (organization, package, a new
  resource) and for inserts of rows without a row identifier (checked by total, see above). Reads get the read timeout, writes the write timeout (minutes).
- Errors become `PortalError` in Spanish: Authorization (403), Not Found (404) and Validation
  (409) are not transient; 429, 5xx and network failures are.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests
from ckanapi import RemoteCKAN
from ckanapi.errors import (
    CKANAPIError,
    NotAuthorized,
    NotFound,
    ServerIncompatibleError,
    ValidationError,
)

from datos_cali.catalog.models import PortalName
from datos_cali.portals import http
from datos_cali.portals.base import DatasetSpec, Portal, PortalError, Traffic, Usage, WriteResult
from datos_cali.portals.credentials import CkanCredentials
from datos_cali.portals.records import FLOATING_TIMESTAMP, number

TARGET = PortalName.DATOS_CALI.value
ACTION_PATH = "api/3/action/"
USER_AGENT = "datos-cali (Alcaldía de Santiago de Cali) ckanapi/4.11"
CONNECT_TIMEOUT = 10.0
PAGE = 32_000  # datastore_search's most rows per request
KEYS_PER_QUERY = 500
KEYS_PER_DELETE = 5_000
INSERT_ATTEMPTS = 6

ROLE = "datos_cali_rol"
TABLE_ROLE, STAGING_ROLE = "tabla", "carga"
PREVIOUS_DOWNLOADS = "descargas_previas"
STAGING_NAME = "{name} (actualización en curso)"
CATEGORY_EXTRA = "Categoría"

FIELD_TYPES = {
    "text": "text",
    "url": "text",
    "number": "numeric",
    "money": "numeric",
    "calendar_date": "timestamp",
    "checkbox": "bool",
    "point": "text",
}
# Socrata license names (the catalog's vocabulary) → CKAN license ids; others pass unchanged.
LICENSES = {
    "Creative Commons Attribution | Share Alike 4.0 International": "cc-by-sa",
    "Creative Commons Attribution 4.0 International": "cc-by",
    "Creative Commons 1.0 Universal (Public Domain Dedication)": "cc-zero",
    "Public Domain": "other-pd",
    "Open Data Commons Attribution License": "odc-by",
    "Open Data Commons Open Database License": "odc-odbl",
    "Open Data Commons Public Domain Dedication and License": "odc-pddl",
}
WRITE_ACTIONS = frozenset(
    {
        "organization_create",
        "package_create",
        "package_patch",
        "resource_create",
        "resource_patch",
        "resource_delete",
        "datastore_create",
        "datastore_upsert",
        "datastore_delete",
    }
)

ERR_AUTH = (
    "El portal {portal} rechazó el token de API (HTTP 403) al ejecutar {action}. "
    "Revise CKAN_API_TOKEN y los permisos del usuario en la organización."
)
ERR_NO_PERMISSION = (
    "El token de API de {portal} no da permiso para {what} en la organización «{organization}». "
    "Revise CKAN_API_TOKEN y que su usuario sea editor de esa organización."
)
ERR_NO_ORGANIZATION = (
    "La organización «{organization}» no existe en {portal} y el token de API no es de un "
    "administrador del sitio, que es quien puede crearla. Pida que la creen o revise "
    "CKAN_API_TOKEN."
)
PERMISSION_WORDS = {"create_dataset": "crear conjuntos", "update_dataset": "actualizar conjuntos"}
ERR_MISSING = "El conjunto «{asset}» o uno de sus recursos no existe en {portal} (HTTP 404)."
ERR_REJECTED = "El portal {portal} rechazó {action} (HTTP {status}): {detail}"
ERR_UNAVAILABLE = (
    "El portal {portal} no respondió bien a {action} tras varios intentos (HTTP {status})."
)
ERR_NETWORK = "No se pudo comunicar con {portal} ({action}): {detail}"
ERR_STAGING = (
    "Filas en la tabla nueva de «{asset}»: {actual}; enviadas: {expected}. "
    "La tabla publicada no se reemplazó."
)

_TAG_JUNK = re.compile(r"[^\w \-.]+")


class CkanPortal(Portal):
    target = TARGET

    def __init__(self, credentials: CkanCredentials, *, key: str | None = None):
        self.credentials = credentials
        self.site = credentials.url.rstrip("/")
        self.key = key or f"ckan@{urlsplit(self.site).netloc}"
        self.traffic = Traffic()
        self._status: int | None = None
        self._tables: dict[str, str] = {}  # asset id → resource id of its table
        self._reshaped: set[str] = set()  # assets whose table's columns differ from the spec
        self._totals: dict[str, int] = {}  # resource id → row count after our last write
        self._reads = self._client(http.idempotent_adapter())
        self._writes = self._client(http.idempotent_adapter())
        self._careful = self._client(http.careful_adapter())

    def _client(self, adapter) -> RemoteCKAN:
        session = requests.Session()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.hooks["response"].append(self._observe)
        token = self.credentials.api_token
        client = RemoteCKAN(
            self.site,
            apikey=token.get_secret_value() if token else None,
            user_agent=USER_AGENT,
            session=session,
        )
        client.base_url = ACTION_PATH  # the versioned path, as the city's portal documents it
        return client

    def _observe(self, response: requests.Response, *args, **kwargs) -> None:
        self._status = response.status_code
        self.traffic.requests += 1
        body = response.request.body
        self.traffic.bytes_sent += len(body) if body else 0
        action = urlsplit(response.request.url or "").path.rsplit("/", 1)[-1]
        request_id = response.headers.get("X-Request-Id")
        if request_id and action in WRITE_ACTIONS:
            self.traffic.request_ids.append(request_id)

    # --- calls and errors --------------------------------------------------------------------

    def _call(self, client: RemoteCKAN, action: str, data: dict, timeout: float, asset=None):
        self._status = None
        try:
            return client.call_action(
                action, data, requests_kwargs={"timeout": (CONNECT_TIMEOUT, timeout)}
            )
        except NotAuthorized:
            message = ERR_AUTH.format(portal=self.target, action=action)
            raise PortalError(message, transient=False, status=403) from None
        except NotFound:
            message = ERR_MISSING.format(portal=self.target, asset=asset or "?")
            raise PortalError(message, transient=False, status=404) from None
        except ValidationError as exc:
            detail = _summary(getattr(exc, "error_dict", {}) or {})
            message = ERR_REJECTED.format(
                portal=self.target, action=action, status=409, detail=detail
            )
            raise PortalError(message, transient=False, status=409) from None
        except (CKANAPIError, ServerIncompatibleError):
            raise self._unexpected(action) from None
        except requests.RequestException as exc:
            message = ERR_NETWORK.format(
                portal=self.target, action=action, detail=type(exc).__name__
            )
            raise PortalError(message, transient=True) from None

    def _unexpected(self, action: str) -> PortalError:
        """An answer ckanapi did not recognise: throttling, a 5xx page, a proxy's error."""
        status = self._status
        if status is None or status == 429 or status >= 500:
            message = ERR_UNAVAILABLE.format(portal=self.target, action=action, status=status)
            return PortalError(message, transient=True, status=status)
        detail = "respuesta que no es de la API de CKAN"
        message = ERR_REJECTED.format(
            portal=self.target, action=action, status=status, detail=detail
        )
        return PortalError(message, transient=False, status=status)

    def _read(self, action: str, asset=None, **data):
        return self._call(self._reads, action, data, http.read_timeout(), asset)

    def _write(self, action: str, asset=None, **data):
        return self._call(self._writes, action, data, http.write_timeout(), asset)

    def _create(self, action: str, asset=None, **data):
        return self._call(self._careful, action, data, http.write_timeout(), asset)

    def _package(self, asset_id: str, *, tracking: bool = False) -> dict:
        return self._read("package_show", asset_id, id=asset_id, include_tracking=tracking)

    # --- datasets ----------------------------------------------------------------------------

    def find_dataset(self, spec: DatasetSpec) -> str | None:
        try:
            return self._package(spec.slug)["name"]
        except PortalError as exc:
            if exc.status == 404:
                return None
            raise

    def create_dataset(self, spec: DatasetSpec) -> str:
        """A private package with its table; a package already named so is adopted and merged."""
        self._totals.clear()
        self._ensure_organization(spec)
        if self.find_dataset(spec) is None:
            body = self._package_body(spec, {})
            self._create("package_create", spec.slug, name=spec.slug, private=True, **body)
        else:
            self.update_metadata(spec.slug, spec)
        self._table(spec.slug, spec)
        return spec.slug

    def check_write_access(self, asset_id: str | None, spec: DatasetSpec) -> None:
        """CKAN lists the organizations where the token's user holds a permission (all of
        them for a sysadmin; none for a token it does not recognise, which counts as
        anonymous). An organization still to be created needs a sysadmin's token, told by
        `config_option_list`, which CKAN answers to sysadmins only."""
        permission = "update_dataset" if asset_id else "create_dataset"
        organization = spec.organismo
        if asset_id:
            organization = (self._package(asset_id).get("organization") or {}).get(
                "name"
            ) or organization
        allowed = self._read("organization_list_for_user", permission=permission)
        if organization in {o.get("name") for o in allowed}:
            return
        if self._organization_exists(organization):
            message = ERR_NO_PERMISSION.format(
                portal=self.target, what=PERMISSION_WORDS[permission], organization=organization
            )
            raise PortalError(message, transient=False, status=403)
        try:  # the run will create the organization: a sysadmin's job (CKAN's default)
            self._read("config_option_list")  # answered to sysadmins only
        except PortalError as exc:
            if exc.status != 403:
                raise
            message = ERR_NO_ORGANIZATION.format(portal=self.target, organization=organization)
            raise PortalError(message, transient=False, status=403) from None

    def _organization_exists(self, name: str) -> bool:
        try:
            self._read("organization_show", id=name)
        except PortalError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def _ensure_organization(self, spec: DatasetSpec) -> None:
        if self._organization_exists(spec.organismo):
            return
        try:
            self._create("organization_create", name=spec.organismo, title=spec.organismo_name)
        except PortalError as exc:
            if exc.status != 409:  # 409: it exists now (a lost answer, another run)
                raise

    def _package_body(self, spec: DatasetSpec, current_extras: dict[str, str]) -> dict:
        extras = {**current_extras, **_extras(spec)}
        return {
            "title": spec.name,
            "notes": spec.description,
            "owner_org": spec.organismo,
            "tags": [{"name": tag} for tag in _tags(spec.tags)],
            "license_id": LICENSES.get(spec.license, spec.license),
            "extras": [{"key": key, "value": value} for key, value in extras.items()],
        }

    def update_metadata(self, asset_id: str, spec: DatasetSpec) -> None:
        self._totals.clear()  # a new run: counts are read afresh (others may have written)
        current = self._package(asset_id)
        extras = {e["key"]: e["value"] for e in current.get("extras") or []}
        wanted = self._package_body(spec, extras)
        organization = (current.get("organization") or {}).get("name")
        if organization != spec.organismo:
            self._ensure_organization(spec)
        else:
            del wanted["owner_org"]
        shown = {
            "title": current.get("title"),
            "notes": current.get("notes"),
            "tags": [{"name": t["name"]} for t in current.get("tags") or []],
            "license_id": current.get("license_id"),
            "extras": current.get("extras") or [],
        }
        changed = {
            k: v for k, v in wanted.items() if _comparable(k, shown.get(k)) != _comparable(k, v)
        }
        if changed:
            self._write("package_patch", asset_id, id=asset_id, **changed)
        table = _current_table(current)
        if table is not None:
            self._describe_table(asset_id, spec, table)

    def _describe_table(self, asset_id: str, spec: DatasetSpec, table: dict) -> None:
        """Resource name and the data dictionary (column labels and notes), when they changed."""
        wanted = {"name": spec.name, "description": spec.description}
        if any(table.get(k) != v for k, v in wanted.items()):
            self._write("resource_patch", asset_id, id=table["id"], **wanted)
        if not table.get("datastore_active"):
            return
        found = self._read("datastore_search", asset_id, resource_id=table["id"], limit=0)
        fields = _fields(spec)
        if _columns(found["fields"]) != _columns(fields):
            # Columns added, removed, reordered or retyped: the rows go into a new table that
            # is swapped in whole (`reshaped`), never altered in place where readers see it.
            self._reshaped.add(asset_id)
            return
        info = {f["id"]: f.get("info") or {} for f in found["fields"]}
        if any(info.get(f["id"], {}) != f["info"] for f in fields):
            self._write("datastore_create", asset_id, resource_id=table["id"], fields=fields)

    def reshaped(self, asset_id: str) -> bool:
        """The table's columns differ from the spec's (seen by `update_metadata`)."""
        return asset_id in self._reshaped

    def make_public(self, asset_id: str) -> None:
        if self._package(asset_id).get("private"):
            self._write("package_patch", asset_id, id=asset_id, private=False)

    # --- the table ---------------------------------------------------------------------------

    def _table(self, asset_id: str, spec: DatasetSpec | None) -> str | None:
        """The resource id of the dataset's table; made when missing if `spec` is given."""
        if asset_id in self._tables:
            return self._tables[asset_id]
        current = _current_table(self._package(asset_id))
        if current is None:
            if spec is None:
                return None
            resource_id = self._new_table(asset_id, spec, TABLE_ROLE, spec.name)
        else:
            resource_id = current["id"]
            if not current.get("datastore_active") and spec is not None:
                # CKAN made the resource but not its table (an interrupted datastore_create).
                self._write(
                    "datastore_create", asset_id, resource_id=resource_id, **_table_body(spec)
                )
        self._tables[asset_id] = resource_id
        return resource_id

    def _new_table(self, asset_id: str, spec: DatasetSpec, role: str, name: str) -> str:
        resource = {
            "package_id": asset_id,
            "name": name,
            "description": spec.description,
            "format": "CSV",
            ROLE: role,
        }
        answer = self._create("datastore_create", asset_id, resource=resource, **_table_body(spec))
        return answer["resource_id"]

    def _total(self, asset_id: str, resource_id: str) -> int:
        found = self._read("datastore_search", asset_id, resource_id=resource_id, limit=0)
        self._totals[resource_id] = int(found["total"])
        return self._totals[resource_id]

    def _total_before(self, asset_id: str, resource_id: str) -> int:
        """The total read after this adapter's previous write to the table, else read now: a
        run's chunks go one after another (one writer per dataset and portal), so the count
        after one chunk is the count before the next — one read per chunk instead of two."""
        known = self._totals.pop(resource_id, None)
        return self._total(asset_id, resource_id) if known is None else known

    # --- rows --------------------------------------------------------------------------------

    def _wire(self, spec: DatasetSpec, row: dict) -> dict:
        out = {}
        for column in spec.columns:
            value = row.get(column.field)
            if value is not None and column.type == "point":
                point = {"type": "Point", "coordinates": [value[0], value[1]]}
                value = json.dumps(point, separators=(",", ":"))
            out[column.field] = value
        return out

    def _canonical(self, spec: DatasetSpec, row: dict) -> dict:
        out = {}
        for column in spec.columns:
            value = row.get(column.field)
            if value is None:
                out[column.field] = None
            elif column.type in ("number", "money"):
                out[column.field] = number(value)
            elif column.type == "calendar_date":
                moment = dt.datetime.fromisoformat(str(value))
                out[column.field] = moment.strftime(FLOATING_TIMESTAMP)
            elif column.type == "point":
                lon, lat = json.loads(value)["coordinates"]
                out[column.field] = (float(lon), float(lat))
            else:
                out[column.field] = value
        return out

    def upsert(self, asset_id: str, spec: DatasetSpec, rows: Sequence[dict]) -> WriteResult:
        payload = [self._wire(spec, row) for row in rows]
        resource_id = self._table(asset_id, spec)
        before = self._total_before(asset_id, resource_id)
        try:
            self._write(
                "datastore_upsert",
                asset_id,
                resource_id=resource_id,
                records=payload,
                method="upsert",
            )
        except PortalError:
            self._totals.pop(resource_id, None)
            raise
        created = max(self._total(asset_id, resource_id) - before, 0)
        return WriteResult(created=created, updated=len(payload) - created, rows_sent=len(payload))

    def delete(self, asset_id: str, spec: DatasetSpec, keys: Sequence[str]) -> WriteResult:
        resource_id = self._table(asset_id, spec)
        before = self._total_before(asset_id, resource_id)
        for start in range(0, len(keys), KEYS_PER_DELETE):
            batch = _typed_keys(spec, keys[start : start + KEYS_PER_DELETE])
            self._write(
                "datastore_delete",
                asset_id,
                resource_id=resource_id,
                filters={spec.row_identifier: batch},
            )
        deleted = max(before - self._total(asset_id, resource_id), 0)
        return WriteResult(deleted=deleted, rows_sent=len(keys))

    def replace(
        self, asset_id: str, spec: DatasetSpec, chunks: Iterable[Sequence[dict]], *, published: bool
    ) -> WriteResult:
        """Load a new table and swap it in with one package_patch (see the module docstring)."""
        package = self._package(asset_id)
        if not published and package.get("private") and asset_id not in self._reshaped:
            resource_id = self._table(asset_id, spec)
            self._write("datastore_delete", asset_id, resource_id=resource_id, filters={})
            return self._load(asset_id, resource_id, spec, chunks)
        for leftover in _resources_with_role(package, STAGING_ROLE):
            self._forget(asset_id, leftover["id"])
        current = _current_table(package)
        staging = self._new_table(asset_id, spec, STAGING_ROLE, STAGING_NAME.format(name=spec.name))
        try:
            result = self._load(asset_id, staging, spec, chunks)
            actual = self._total(asset_id, staging)
            if actual != result.rows_sent:
                message = ERR_STAGING.format(
                    asset=asset_id, actual=actual, expected=result.rows_sent
                )
                raise PortalError(message, transient=True)
        except BaseException:
            self._forget(asset_id, staging)
            raise
        try:
            self._swap(asset_id, spec, staging, current)
        except PortalError:
            if not self._swapped(asset_id, staging):  # the swap may have landed, answer lost
                self._forget(asset_id, staging)
                raise
        self._tables[asset_id] = staging
        self._reshaped.discard(asset_id)
        if current is not None:
            self._forget(asset_id, current["id"])  # drops the old table; readers now get 404
        return result

    def _load(
        self, asset_id: str, resource_id: str, spec: DatasetSpec, chunks: Iterable[Sequence[dict]]
    ) -> WriteResult:
        """Keyed rows are upserted by the row identifier; rows without one are inserted."""
        result = WriteResult()
        for chunk in chunks:
            records = [self._wire(spec, row) for row in chunk]
            if spec.row_identifier:
                self._write(
                    "datastore_upsert",
                    asset_id,
                    resource_id=resource_id,
                    records=records,
                    method="upsert",
                )
            else:
                self._insert(asset_id, resource_id, records, before=result.rows_sent)
            result.created += len(records)
            result.rows_sent += len(records)
        return result

    def _insert(self, asset_id: str, resource_id: str, records: list[dict], before: int) -> None:
        """Rows without a row identifier, numbered by the DataStore as they arrive.

        An explicit `_id` cannot address them: CKAN 2.9–2.11 ignore it on insert and number rows
        themselves, so after one rolled-back chunk every later `_id` points at another row. An
        insert is one transaction, so after a failed answer the table's total says what
        happened: `before` rows → send it again; `before + len(records)` → it landed and only
        the answer was lost; anything else → give up (the caller drops this table). A write
        that commits after its answer timed out would leave extra rows: the total checked
        before the swap catches that too."""
        attempts = INSERT_ATTEMPTS
        for attempt in range(attempts):
            try:
                self._create(
                    "datastore_upsert",
                    asset_id,
                    resource_id=resource_id,
                    records=records,
                    method="insert",
                )
                return
            except PortalError as exc:
                if not exc.transient or attempt == attempts - 1:
                    raise
                total = self._total(asset_id, resource_id)
                if total == before + len(records):
                    return
                if total != before:
                    raise
                time.sleep(min(http.backoff() * 2**attempt, 30))

    def _swap(self, asset_id: str, spec: DatasetSpec, staging: str, current: dict | None) -> None:
        """One package_patch: the loaded table takes the old one's place, name and downloads."""
        shown = self._package(asset_id, tracking=True)["resources"]
        carried = next((_downloads(r) for r in shown if current and r["id"] == current["id"]), 0)
        resources = [{k: v for k, v in r.items() if k != "tracking_summary"} for r in shown]
        loaded = next(r for r in resources if r["id"] == staging)
        promoted = {
            **loaded,
            "name": spec.name,
            ROLE: TABLE_ROLE,
            PREVIOUS_DOWNLOADS: carried,
        }
        order = []
        for resource in resources:
            if resource["id"] == staging:
                continue
            order.append(promoted if current and resource["id"] == current["id"] else resource)
        if current is None:
            order.insert(0, promoted)
        self._write("package_patch", asset_id, id=asset_id, resources=order)

    def _swapped(self, asset_id: str, staging: str) -> bool:
        current = _current_table(self._package(asset_id))
        return current is not None and current["id"] == staging

    def _forget(self, asset_id: str, resource_id: str) -> None:
        # Best effort: a leftover is named as unfinished and removed by the next replace.
        with contextlib.suppress(PortalError):
            self._write("resource_delete", asset_id, id=resource_id)

    def count(self, asset_id: str) -> int:
        resource_id = self._table(asset_id, None)
        return 0 if resource_id is None else self._total(asset_id, resource_id)

    def rows_by_key(self, asset_id: str, spec: DatasetSpec, keys: Sequence[str]) -> list[dict]:
        resource_id = self._table(asset_id, spec)
        rows: list[dict] = []
        for start in range(0, len(keys), KEYS_PER_QUERY):
            batch = _typed_keys(spec, keys[start : start + KEYS_PER_QUERY])
            found = self._read(
                "datastore_search",
                asset_id,
                resource_id=resource_id,
                filters={spec.row_identifier: batch},
                limit=len(batch) + 1,
                include_total=False,
            )
            rows.extend(self._canonical(spec, row) for row in found["records"])
        return rows

    def _pages(self, asset_id: str, spec: DatasetSpec, offset: int, limit: int, **query):
        resource_id = self._table(asset_id, spec)
        if resource_id is None:
            return
        while limit > 0:
            found = self._read(
                "datastore_search",
                asset_id,
                resource_id=resource_id,
                offset=offset,
                limit=min(limit, PAGE),
                sort="_id",
                include_total=False,
                **query,
            )["records"]
            yield from found
            if len(found) < min(limit, PAGE):
                return
            offset, limit = offset + len(found), limit - len(found)

    def rows_page(self, asset_id: str, spec: DatasetSpec, offset: int, limit: int) -> list[dict]:
        return [self._canonical(spec, row) for row in self._pages(asset_id, spec, offset, limit)]

    def keys(self, asset_id: str, spec: DatasetSpec) -> list[str]:
        field = spec.row_identifier
        rows = self._pages(asset_id, spec, 0, 2**62, fields=[field])
        return [_key_text(row[field]) for row in rows if row.get(field) is not None]

    def usage(self, asset_ids: Sequence[str]) -> dict[str, Usage]:
        """Package views and resource downloads from `package_show` with `include_tracking`.

        From CKAN 2.11 tracking is a separate plugin (`tracking`, beacons plus a periodic job);
        without it `package_show` carries no `tracking_summary` at all, and the asset is
        reported untracked («sin seguimiento»), never as zero visits. The web server's access
        logs are then the usage source (`datos-cali usage import-logs`)."""
        found = {}
        for asset_id in asset_ids:
            package = self._package(asset_id, tracking=True)
            if "tracking_summary" not in package:
                found[asset_id] = Usage(0, 0, tracked=False)
                continue
            views = int((package.get("tracking_summary") or {}).get("total") or 0)
            downloads = sum(_downloads(r) for r in package.get("resources") or [])
            found[asset_id] = Usage(views, downloads)
        return found

    def resource_ids(self, asset_ids: Sequence[str]) -> dict[str, str]:
        """Every resource of each package → the package (its table's dump URL names only it)."""
        found = {}
        for asset_id in asset_ids:
            for resource in self._package(asset_id).get("resources") or []:
                found[resource["id"]] = asset_id
        return found

    def dataset_url(self, asset_id: str) -> str:
        return f"{self.site}/dataset/{asset_id}"

    def close(self) -> None:
        for client in (self._reads, self._writes, self._careful):
            client.close()


# --- helpers ----------------------------------------------------------------------------------


def _summary(error: dict[str, Any]) -> str:
    """CKAN's field errors as one line: "campo: problema; …"."""
    parts = []
    for field, problems in error.items():
        if field in ("__type", "message"):
            continue
        shown = "; ".join(map(str, problems)) if isinstance(problems, list) else str(problems)
        parts.append(f"{field}: {shown}")
    return (", ".join(parts) or str(error.get("message", "")))[:300]


def _comparable(key: str, value: Any) -> Any:
    """Metadata as CKAN means it: tags are a set (CKAN answers them sorted by name) and extras a
    mapping (sorted by key up to 2.11, in database order from 2.12). Compared as sent, every
    run against a real CKAN would be a `package_patch` bumping `metadata_modified`."""
    if key == "tags":
        return sorted(t["name"] for t in value or [])
    if key == "extras":
        return sorted((e["key"], e["value"]) for e in value or [])
    return value


def _extras(spec: DatasetSpec) -> dict[str, str]:
    """The MinTIC fields, one extra per field (prefixed with its fieldset only on a clash)."""
    out: dict[str, str] = {}
    for fieldset, values in spec.custom_fields.items():
        for field, value in values.items():
            out[field if field not in out else f"{fieldset}: {field}"] = value or ""
    out[CATEGORY_EXTRA] = spec.category
    return out


def _tags(tags: Sequence[str]) -> list[str]:
    """CKAN tags allow letters, digits, spaces and -_. (2 to 100 characters)."""
    cleaned = (" ".join(_TAG_JUNK.sub(" ", tag).split())[:100] for tag in tags)
    return list(dict.fromkeys(tag for tag in cleaned if len(tag) >= 2))


def _fields(spec: DatasetSpec) -> list[dict]:
    return [
        {
            "id": c.field,
            "type": FIELD_TYPES[c.type],
            "info": {"label": c.name, "notes": c.description},
        }
        for c in spec.columns
    ]


def _columns(fields: Sequence[dict]) -> list[tuple[str, str]]:
    """A table's columns in order, without CKAN's own `_id`."""
    return [(f["id"], str(f["type"]).lower()) for f in fields if f["id"] != "_id"]


def _table_body(spec: DatasetSpec) -> dict:
    body: dict[str, Any] = {"fields": _fields(spec)}
    if spec.row_identifier:
        body["primary_key"] = [spec.row_identifier]
    return body


def _resources_with_role(package: dict, role: str) -> list[dict]:
    return [r for r in package.get("resources") or [] if r.get(ROLE) == role]


def _current_table(package: dict) -> dict | None:
    tables = _resources_with_role(package, TABLE_ROLE)
    return tables[0] if tables else None


def _downloads(resource: dict) -> int:
    tracked = (resource.get("tracking_summary") or {}).get("total") or 0
    return int(tracked) + int(resource.get(PREVIOUS_DOWNLOADS) or 0)


def _typed_keys(spec: DatasetSpec, keys: Sequence[str]) -> list:
    """Key texts as the key column's type expects them in `filters`."""
    if spec.column(spec.row_identifier).type in ("number", "money"):
        return [number(key) for key in keys]
    return list(keys)


def _key_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = ["FIELD_TYPES", "CkanPortal"]
