"""The local portal: Socrata's HTTP API on loopback, persisted in SQLite, with fault injection.

It is the default target of a run without credentials and what tests publish to, over real HTTP
with the real client libraries (see DESIGN.md, "The two portals").

    from datos_cali.localportal import LocalPortal
    with LocalPortal(tmp_path).start() as portal:
        Socrata(portal.domain, portal.credentials.app_token, ...)
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
