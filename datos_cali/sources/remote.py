"""HTTP(S) downloads: a plain URL, or a dataset that already lives on a Socrata or CKAN portal.

Downloads stream to a temporary file with retries (urllib3 `Retry`) and a size limit, so a huge or
flaky source cannot exhaust memory or stall the run.
"""

from __future__ import annotations

import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Annotated, Literal

import requests
from pydantic import Field

from datos_cali.catalog.models import Dataset
from datos_cali.portals import http
from datos_cali.reading import limits
from datos_cali.settings import Paths
from datos_cali.sources.base import Pulled, SourceError, SourceKind, SourceSettings

DOWNLOAD_FAILED = "No se pudo descargar «{url}»: {reason}"
TOO_LARGE = "La descarga de «{url}» supera el tamaño permitido ({limit} bytes)."
CHUNK = 1024 * 1024


def _session() -> requests.Session:
    session = requests.Session()
    adapter = http.idempotent_adapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _name_from(url: str, response: requests.Response, default: str) -> str:
    disposition = response.headers.get("Content-Disposition", "")
    if "filename=" in disposition:
        return Path(disposition.split("filename=")[-1].strip('"; ')).name or default
    return Path(urllib.parse.urlparse(url).path).name or default


def download(
    url: str, paths: Paths, *, kind: str = "url", default_name: str = "descarga"
) -> Pulled:
    limit = limits.max_file_bytes()
    paths.state.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix="descarga-", dir=paths.state)
    target = Path(name)
    try:
        with open(descriptor, "wb") as handle, _session() as session:
            response = session.get(url, stream=True, timeout=(10, http.read_timeout()))
            if response.status_code >= 400:
                raise SourceError(
                    DOWNLOAD_FAILED.format(url=url, reason=f"HTTP {response.status_code}"),
                    transient=response.status_code in http.RETRY_STATUSES,
                )
            size = 0
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise SourceError(TOO_LARGE.format(url=url, limit=limit))
                handle.write(chunk)
            file_name = _name_from(url, response, default_name)
    except requests.RequestException as exc:
        target.unlink(missing_ok=True)
        raise SourceError(
            DOWNLOAD_FAILED.format(url=url, reason=type(exc).__name__), transient=True
        ) from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Pulled(
        kind, url, file_name, target, time.time(), cleanup=lambda: target.unlink(missing_ok=True)
    )


HttpUrl = Annotated[str, Field(pattern=r"^https?://")]


class UrlSettings(SourceSettings):
    kind: Literal["url"]
    location: HttpUrl


class SocrataSettings(SourceSettings):
    """An existing Socrata dataset (federation): `location` is the domain URL."""

    kind: Literal["socrata"]
    location: HttpUrl
    asset_id: Annotated[str, Field(pattern=r"^[a-z0-9]{4}-[a-z0-9]{4}$")]


class CkanSettings(SourceSettings):
    """An existing CKAN DataStore resource (federation)."""

    kind: Literal["ckan"]
    location: HttpUrl
    resource_id: str


def pull_url(settings: UrlSettings, dataset: Dataset, paths: Paths) -> Pulled:
    return download(settings.location, paths)


def pull_socrata(settings: SocrataSettings, dataset: Dataset, paths: Paths) -> Pulled:
    """Federation from Socrata: the dataset's full CSV export."""
    asset_id = settings.asset_id
    url = f"{settings.location.rstrip('/')}/api/views/{asset_id}/rows.csv?accessType=DOWNLOAD"
    return download(url, paths, kind="socrata", default_name=f"{asset_id}.csv")


def pull_ckan(settings: CkanSettings, dataset: Dataset, paths: Paths) -> Pulled:
    """Federation from CKAN: the resource's file, found through `resource_show`."""
    resource_id = settings.resource_id
    action = f"{settings.location.rstrip('/')}/api/3/action/resource_show"
    try:
        with _session() as session:
            answer = session.get(
                action, params={"id": resource_id}, timeout=(10, http.read_timeout())
            )
            body = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise SourceError(
            DOWNLOAD_FAILED.format(url=action, reason=type(exc).__name__), transient=True
        ) from None
    if not body.get("success"):
        message = (body.get("error") or {}).get("message", "recurso no encontrado")
        raise SourceError(DOWNLOAD_FAILED.format(url=action, reason=message))
    return download(body["result"]["url"], paths, kind="ckan", default_name=f"{resource_id}.csv")


URL = SourceKind(UrlSettings, pull_url)
SOCRATA = SourceKind(SocrataSettings, pull_socrata)
CKAN = SourceKind(CkanSettings, pull_ckan)
