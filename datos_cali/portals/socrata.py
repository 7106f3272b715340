"""datos.gov.co (Socrata) through sodapy 2.2.0 — the only module that imports sodapy.

sodapy is archived upstream and has no retries and a 10 s default timeout: its requests sessions
get urllib3 retry adapters mounted (`session_adapter`), reads and writes get separate timeouts
(writes in minutes), and a response hook records each write's `X-Socrata-RequestId`.

Idempotent against what real Socrata returns (tests/portals/test_socrata_recorded_shapes.py):
an unchanged dataset costs reads only. Metadata is compared the way Socrata stores it —
`metadata.rowIdentifier` comes back as the column's numeric id although it was sent as a field
name, `licenseId` is a code (`catalog.licenses`), server-owned keys (`owner`, `rights`,
`metadata.renderTypeConfig`, columns' `tableColumnId`, …) are kept, not compared — and a PUT is
sent only when something the catalog owns differs. A read answered 202 ("still processing,
retry") is retried, never parsed as rows.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Sequence

import requests
from sodapy import Socrata

from datos_cali.catalog.licenses import license_for
from datos_cali.catalog.models import PortalName
from datos_cali.portals import http
from datos_cali.portals.base import (
    DatasetSpec,
    Portal,
    PortalError,
    Traffic,
    Usage,
    WriteResult,
)
from datos_cali.portals.credentials import SocrataCredentials
from datos_cali.portals.records import number
from datos_cali.portals.socrata_metadata import metadata_changes

TARGET = PortalName.DATOS_GOV_CO.value
PAGE = 50_000
KEYS_PER_QUERY = 100
COPY_WAIT_SECONDS = 600

ERR_AUTH = (
    "El portal {portal} rechazó las credenciales (HTTP {status}). Revise SOCRATA_KEY_ID/SECRET."
)
ERR_MISSING = "El conjunto {asset} no existe en {portal} (HTTP 404)."
ERR_REJECTED = "El portal {portal} rechazó la solicitud (HTTP {status}): {detail}"
ERR_UNAVAILABLE = "El portal {portal} no respondió bien tras varios intentos (HTTP {status})."
ERR_NETWORK = "No se pudo comunicar con {portal}: {detail}"
ERR_COPY_TIMEOUT = "La copia de trabajo de {asset} no estuvo lista en {seconds} s."
ERR_ROW_ERRORS = "Filas del lote que el portal rechazó: {count} (conteo «Errors» de Socrata)."
ERR_PROCESSING = (
    "El portal {portal} sigue procesando la consulta (HTTP 202) tras {attempts} intentos; "
    "se intentará de nuevo más tarde."
)
ERR_LICENSE = "No se puede publicar en {portal}: {detail}."
ERR_NO_WRITE = (
    "La cuenta de {portal} no tiene permiso de escritura en el conjunto {asset} "
    "(sus permisos: {rights}). Pida a quien administra el conjunto que le dé acceso de edición."
)
COUNT_ALIAS = "filas"  # count(*) named explicitly: its default name differs between versions
PROCESSING_ATTEMPTS = 6

_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class SocrataPortal(Portal):
    target = TARGET

    def __init__(self, credentials: SocrataCredentials, *, key: str | None = None):
        self.credentials = credentials
        self.key = key or f"socrata@{credentials.domain}"
        self.traffic = Traffic()
        self.base_url = f"{credentials.scheme}://{credentials.domain}"
        self._reads = self._client(http.idempotent_adapter(), http.read_timeout())
        self._writes = self._client(http.idempotent_adapter(), http.write_timeout())
        self._careful = self._client(http.careful_adapter(), http.write_timeout())

    def _client(self, adapter, timeout: float) -> Socrata:
        creds = self.credentials
        client = Socrata(
            creds.domain,
            creds.app_token.get_secret_value() if creds.app_token else None,
            username=creds.key_id.get_secret_value() if creds.key_id else None,
            password=creds.key_secret.get_secret_value() if creds.key_secret else None,
            session_adapter={"prefix": f"{creds.scheme}://", "adapter": adapter},
            timeout=timeout,
        )
        client.session.hooks["response"].append(self._observe)
        return client

    def _observe(self, response: requests.Response, *args, **kwargs) -> None:
        self.traffic.requests += 1
        body = response.request.body
        self.traffic.bytes_sent += len(body) if body else 0
        request_id = response.headers.get("X-Socrata-RequestId")
        if request_id and response.request.method in _WRITE_METHODS:
            self.traffic.request_ids.append(request_id)
        if response.status_code == 202 and response.request.method == "GET":
            # sodapy returns a 202's body as if it were the answer; it is not (yet).
            response.close()  # give the connection back before leaving through an exception
            raise _StillProcessing(response)

    # --- errors ------------------------------------------------------------------------------

    def _call(self, action, *args, asset: str | None = None, **kwargs):
        delay = http.backoff()
        for attempt in range(1, PROCESSING_ATTEMPTS + 1):
            try:
                return action(*args, **kwargs)
            except _StillProcessing:
                if attempt == PROCESSING_ATTEMPTS:
                    message = ERR_PROCESSING.format(portal=self.target, attempts=attempt)
                    raise PortalError(message, transient=True, status=202) from None
                time.sleep(delay)
                delay = min(delay * 2, 30)
            except requests.HTTPError as exc:
                raise self._http_error(exc, asset) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise PortalError(
                    ERR_NETWORK.format(portal=self.target, detail=type(exc).__name__),
                    transient=True,
                ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _http_error(self, exc: requests.HTTPError, asset: str | None) -> PortalError:
        response = exc.response
        status = response.status_code if response is not None else None
        request_id = response.headers.get("X-Socrata-RequestId") if response is not None else None
        if status in (401, 403):
            message = ERR_AUTH.format(portal=self.target, status=status)
        elif status == 404:
            message = ERR_MISSING.format(portal=self.target, asset=asset or "?")
        elif status is not None and (status == 429 or status >= 500):
            return PortalError(
                ERR_UNAVAILABLE.format(portal=self.target, status=status),
                transient=True,
                status=status,
                request_id=request_id,
            )
        else:
            detail = ""
            try:
                detail = str(response.json().get("message", ""))[:200]
            except ValueError:
                detail = (response.text or "")[:200]
            message = ERR_REJECTED.format(portal=self.target, status=status, detail=detail)
        return PortalError(message, transient=False, status=status, request_id=request_id)

    # --- datasets ----------------------------------------------------------------------------

    def _view_body(self, spec: DatasetSpec) -> dict:
        return {
            "name": spec.name,
            "description": spec.description,
            "category": spec.category,
            "tags": list(spec.tags),
            "attribution": spec.attribution,
            "licenseId": self._license_code(spec),
        }

    def _license_code(self, spec: DatasetSpec) -> str:
        try:
            return license_for(spec.license).socrata
        except ValueError as exc:  # the catalog refuses these; a hand-made spec may not
            message = ERR_LICENSE.format(portal=self.target, detail=exc)
            raise PortalError(message, transient=False) from None

    def find_dataset(self, spec: DatasetSpec) -> str | None:
        found = self._call(self._reads.datasets, q=spec.name, limit=100)
        exact = [r["resource"] for r in found if r.get("resource", {}).get("name") == spec.name]
        exact.sort(key=lambda r: r.get("createdAt") or r.get("updatedAt") or "", reverse=True)
        return exact[0]["id"] if exact else None

    def create_dataset(self, spec: DatasetSpec) -> str:
        columns = [
            {
                "fieldName": c.field,
                "name": c.name,
                "dataTypeName": c.type,
                "description": c.description,
            }
            for c in spec.columns
        ]
        body = {**self._view_body(spec), "columns": columns}
        metadata = {"custom_fields": spec.custom_fields}
        if spec.row_identifier:
            metadata["rowIdentifier"] = spec.row_identifier
        body["metadata"] = metadata
        name = body.pop("name")
        view = self._call(self._careful.create, name, **body)
        return view["id"]

    def check_write_access(self, asset_id: str | None, spec: DatasetSpec) -> None:
        """An existing view lists what this account may do on it (`rights`); for a dataset to
        be created, the account's own record answers only if the key is accepted."""
        if asset_id is None:
            self._call(self._current_user)
            return
        view = self._call(self._reads.get_metadata, asset_id, asset=asset_id)
        rights = view.get("rights")
        if isinstance(rights, list) and "write" not in rights:
            message = ERR_NO_WRITE.format(
                portal=self.target, asset=asset_id, rights=", ".join(rights) or "ninguno"
            )
            raise PortalError(message, transient=False, status=403)

    def _current_user(self) -> dict:
        session = self._reads.session  # sodapy has no call for it; its session has the auth
        response = session.get(
            f"{self.base_url}/api/users/current.json", timeout=self._reads.timeout
        )
        response.raise_for_status()
        return response.json()

    def update_metadata(self, asset_id: str, spec: DatasetSpec) -> None:
        """Read, compare as Socrata stores it, and PUT only the top-level keys that differ."""
        current = self._call(self._reads.get_metadata, asset_id, asset=asset_id)
        changed = metadata_changes(current, spec, self._view_body(spec))
        if changed:
            self._call(self._writes.update_metadata, asset_id, changed, asset=asset_id)

    def make_public(self, asset_id: str) -> None:
        view = self._call(self._reads.get_metadata, asset_id, asset=asset_id)
        if view.get("publicationStage") != "published":
            self._publish(asset_id)
        self._call(self._writes.set_permission, asset_id, "public", asset=asset_id)

    def _publish(self, asset_id: str) -> dict:
        try:
            return self._call(self._careful.publish, asset_id, asset=asset_id)
        except PortalError as exc:
            if not exc.transient:
                raise
        # The answer was lost: publishing may have happened. Ask before trying again.
        view = self._call(self._reads.get_metadata, asset_id, asset=asset_id)
        if view.get("publicationStage") == "published":
            return view
        return self._call(self._careful.publish, asset_id, asset=asset_id)

    # --- rows --------------------------------------------------------------------------------

    def _wire(self, spec: DatasetSpec, row: dict) -> dict:
        out = {}
        for column in spec.columns:
            value = row.get(column.field)
            if value is not None and column.type == "point":
                value = {"type": "Point", "coordinates": [value[0], value[1]]}
            elif value is not None and column.type == "url":
                value = {"url": value}
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
            elif column.type == "point":
                lon, lat = value["coordinates"]
                out[column.field] = (float(lon), float(lat))
            elif column.type == "url":
                out[column.field] = value["url"] if isinstance(value, dict) else str(value)
            else:
                out[column.field] = value
        return out

    def _counts(self, answer: dict) -> WriteResult:
        result = WriteResult(
            created=int(answer.get("Rows Created", 0)),
            updated=int(answer.get("Rows Updated", 0)),
            deleted=int(answer.get("Rows Deleted", 0)),
            errors=int(answer.get("Errors", 0)),
        )
        if result.errors:
            raise PortalError(ERR_ROW_ERRORS.format(count=result.errors), transient=False)
        return result

    def upsert(self, asset_id: str, spec: DatasetSpec, rows: Sequence[dict]) -> WriteResult:
        payload = [self._wire(spec, row) for row in rows]
        answer = self._call(self._writes.upsert, asset_id, payload, asset=asset_id)
        result = self._counts(answer)
        result.rows_sent = len(payload)
        return result

    def delete(self, asset_id: str, spec: DatasetSpec, keys: Sequence[str]) -> WriteResult:
        payload = [{spec.row_identifier: key, ":deleted": True} for key in keys]
        answer = self._call(self._writes.upsert, asset_id, payload, asset=asset_id)
        result = self._counts(answer)
        result.rows_sent = len(payload)
        return result

    def replace(
        self, asset_id: str, spec: DatasetSpec, chunks: Iterable[Sequence[dict]], *, published: bool
    ) -> WriteResult:
        """On a published dataset: copy → replace the copy → publish (readers never see a half state)."""
        target = self._working_copy(asset_id) if published else asset_id
        result = WriteResult()
        try:
            first = True
            for chunk in chunks:
                payload = [self._wire(spec, row) for row in chunk]
                action = self._writes.replace if first else self._writes.upsert
                result.add(self._counts(self._call(action, target, payload, asset=target)))
                result.rows_sent += len(payload)
                first = False
            if first:  # no rows at all: an empty replace
                self._call(self._writes.replace, target, [], asset=target)
            if published:
                self._publish(target)
        except BaseException:
            if published:
                self._discard(target)
            raise
        return result

    def _working_copy(self, asset_id: str) -> str:
        deadline = time.monotonic() + COPY_WAIT_SECONDS
        delay = 0.2
        while True:
            # sodapy has no call for ?method=copy; its request helper keeps errors uniform.
            answer = self._call(
                self._careful._perform_request,
                "post",
                f"/api/views/{asset_id}/publication.json",
                params={"method": "copy"},
                asset=asset_id,
            )
            if isinstance(answer, dict) and answer.get("id") and answer["id"] != asset_id:
                return answer["id"]
            if time.monotonic() > deadline:
                raise PortalError(
                    ERR_COPY_TIMEOUT.format(asset=asset_id, seconds=COPY_WAIT_SECONDS),
                    transient=True,
                )
            time.sleep(delay)
            delay = min(delay * 2, 10)

    def _discard(self, working_copy: str) -> None:
        # Best effort: an orphan working copy is private and invisible to readers.
        with contextlib.suppress(Exception):
            self._writes.delete(working_copy)

    def count(self, asset_id: str) -> int:
        select = f"count(*) AS {COUNT_ALIAS}"
        answer = self._call(self._reads.get, asset_id, select=select, asset=asset_id)
        return int(answer[0][COUNT_ALIAS]) if answer else 0

    def rows_by_key(self, asset_id: str, spec: DatasetSpec, keys: Sequence[str]) -> list[dict]:
        field = spec.row_identifier
        numeric = spec.column(field).type in ("number", "money")
        rows: list[dict] = []
        for start in range(0, len(keys), KEYS_PER_QUERY):
            batch = keys[start : start + KEYS_PER_QUERY]
            literals = ", ".join(
                k if numeric else "'" + str(k).replace("'", "''") + "'" for k in batch
            )
            found = self._call(
                self._reads.get,
                asset_id,
                where=f"{field} in ({literals})",
                limit=len(batch) + 1,
                asset=asset_id,
            )
            rows.extend(self._canonical(spec, row) for row in found)
        return rows

    def rows_page(self, asset_id: str, spec: DatasetSpec, offset: int, limit: int) -> list[dict]:
        found = self._call(
            self._reads.get, asset_id, order=":id", offset=offset, limit=limit, asset=asset_id
        )
        return [self._canonical(spec, row) for row in found]

    def keys(self, asset_id: str, spec: DatasetSpec) -> list[str]:
        field, out, offset = spec.row_identifier, [], 0
        while True:
            page = self._call(
                self._reads.get,
                asset_id,
                select=field,
                order=":id",
                offset=offset,
                limit=PAGE,
                asset=asset_id,
            )
            out.extend(str(row[field]) for row in page if field in row)
            if len(page) < PAGE:
                return out
            offset += PAGE

    def usage(self, asset_ids: Sequence[str]) -> dict[str, Usage]:
        """The Discovery API, 100 assets a request; view metadata for any it does not list."""
        found: dict[str, Usage] = {}
        for start in range(0, len(asset_ids), 100):
            batch = list(asset_ids[start : start + 100])
            results = self._call(self._reads.datasets, ids=batch, limit=100)
            for result in results:
                resource = result.get("resource", {})
                views = (resource.get("page_views") or {}).get("page_views_total")
                if resource.get("id") in batch and views is not None:
                    found[resource["id"]] = Usage(
                        int(views), int(resource.get("download_count") or 0)
                    )
        for asset_id in asset_ids:
            if asset_id not in found:
                view = self._call(self._reads.get_metadata, asset_id, asset=asset_id)
                found[asset_id] = Usage(
                    int(view.get("viewCount") or 0), int(view.get("downloadCount") or 0)
                )
        return found

    def dataset_url(self, asset_id: str) -> str:
        return f"{self.base_url}/d/{asset_id}"

    def close(self) -> None:
        for client in (self._reads, self._writes, self._careful):
            client.close()


class _StillProcessing(Exception):
    """A read answered 202: Socrata is still working on it; ask again later."""

    def __init__(self, response: requests.Response):
        super().__init__(f"HTTP 202 for {response.request.url}")


__all__ = ["SocrataPortal"]
