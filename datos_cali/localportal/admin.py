"""Admin endpoints under `/_portal/`: health, the request log and fault settings over HTTP.

They let a test or an operator steer a portal running in another process (`datos-cali portal
serve`). They are never faulted and are left out of the request log so that reading the log
does not change it. All but `health` need the portal's API key (Basic auth, checked before any
body is read): loopback is shared by every user and process of the machine, and these endpoints
turn faults on, erase the log, and show which datasets exist.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from datos_cali.localportal import auth
from datos_cali.localportal.faults import FaultSettings
from datos_cali.localportal.routing import HttpError, Request, Response, Route, json_response

if TYPE_CHECKING:
    from datos_cali.localportal.portal import LocalPortal

BAD_SINCE = "since must be a whole number, got {value!r}"
BAD_FAULTS = "Invalid fault settings: {reason}"


class Admin:
    def __init__(self, portal: LocalPortal) -> None:
        self.portal = portal

    def routes(self) -> list[Route]:
        admin = partial(Route, logged=False, authorize=self._login)
        return [
            Route("GET", "/_portal/health", self.health, logged=False),
            admin("GET", "/_portal/requests.json", self.requests),
            admin("DELETE", "/_portal/requests.json", self.clear_requests),
            admin("GET", "/_portal/faults", self.get_faults),
            admin("PUT", "/_portal/faults", self.put_faults),
        ]

    def _login(self, request: Request) -> None:
        auth.require_login(request, self.portal.credentials)

    def health(self, request: Request) -> Response:
        return json_response({"status": "ok", "url": self.portal.url, "domain": self.portal.domain})

    def requests(self, request: Request) -> Response:
        raw = request.arg("since", "0") or "0"
        if not raw.isdigit():
            raise HttpError(400, "invalid_request", BAD_SINCE.format(value=raw))
        entries = self.portal.request_log(int(raw))
        return json_response([entry.to_json() for entry in entries])

    def clear_requests(self, request: Request) -> Response:
        self.portal.clear_request_log()
        return Response(200)

    def get_faults(self, request: Request) -> Response:
        return json_response(self.portal.faults.settings.to_dict())

    def put_faults(self, request: Request) -> Response:
        body = request.json()
        try:
            if isinstance(body, dict) and set(body) == {"spec"}:
                settings = FaultSettings.parse(str(body["spec"]))
            elif isinstance(body, dict):
                settings = FaultSettings.from_mapping(body)
            else:
                raise ValueError("the body must be a JSON object")
        except ValueError as exc:
            raise HttpError(400, "invalid_request", BAD_FAULTS.format(reason=exc)) from None
        self.portal.set_faults(settings)
        return json_response(settings.to_dict())
