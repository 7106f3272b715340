"""The local portal: Socrata's and CKAN's HTTP APIs on loopback, in SQLite, with fault injection.

It is the default target of a run without credentials and what tests publish to, over real HTTP
with the real client libraries (see DESIGN.md, "The two portals"). Socrata lives under
`/api/views`, `/resource` and `/d/<id>`; CKAN under `/api/3/action/` and `/dataset/<name>`
(`ckan_api`, `ckan_store`, `ckan_datastore`, `ckan_pages`).

    from datos_cali.localportal import LocalPortal
    with LocalPortal(tmp_path).start() as portal:
        Socrata(portal.domain, portal.credentials.app_token, ...)
        RemoteCKAN(portal.url, apikey=portal.credentials.ckan_token)
"""

from datos_cali.localportal.auth import Credentials
from datos_cali.localportal.faults import FaultSettings
from datos_cali.localportal.portal import LocalPortal
from datos_cali.localportal.requestlog import RequestLogEntry
from datos_cali.localportal.routing import HttpError, Request, Response, Route, json_response

__all__ = [
    "Credentials",
    "FaultSettings",
    "HttpError",
    "LocalPortal",
    "Request",
    "RequestLogEntry",
    "Response",
    "Route",
    "json_response",
]
