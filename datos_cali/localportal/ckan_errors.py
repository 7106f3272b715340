"""CKAN's error vocabulary on the local portal: the action errors and the envelope they render to.

CKAN answers a failed action with `{"help": <url>, "success": false, "error": {"__type": …,
"message": …, <field>: [...]}}`: 403 "Authorization Error", 404 "Not Found Error", 409 "Validation
Error" (the field errors sit beside `message`). A bad request — an unknown action, a write sent by
GET, a body that is not a JSON object — is 400 with a bare JSON string, `"Bad request: …"`.
Injected faults get the envelope too: 5xx as CKAN's "Internal Server Error", 429 as "Too Many
Requests" (a real site answers those from its proxy, often as HTML; the adapter keys on the status).
Messages stay in CKAN's English: the portal imitates CKAN, the adapter speaks Spanish.
"""

from __future__ import annotations

from collections.abc import Callable

from datos_cali.localportal.routing import HttpError, Response, json_response

AUTHORIZATION = "Authorization Error"
NOT_FOUND = "Not Found Error"
VALIDATION = "Validation Error"
INTERNAL = "Internal Server Error"
THROTTLED = "Too Many Requests"
BAD_REQUEST = "Bad Request"

_TYPE_BY_STATUS = {403: AUTHORIZATION, 404: NOT_FOUND, 409: VALIDATION, 429: THROTTLED}


def not_authorized(detail: str) -> HttpError:
    return HttpError(403, AUTHORIZATION, f"Access denied: {detail}")


def not_found(detail: str) -> HttpError:
    return HttpError(404, NOT_FOUND, f"Not found: {detail}")


def invalid(**fields: list) -> HttpError:
    """A Validation Error: each keyword is a field with its list of problems."""
    summary = "; ".join(f"{name}: {problems}" for name, problems in fields.items())
    return HttpError(409, VALIDATION, f"Validation Error: {summary}", dict(fields))


def bad_request(detail: str) -> HttpError:
    return HttpError(400, BAD_REQUEST, f"Bad request: {detail}")


def renderer(help_url: Callable[[], str]) -> Callable[[HttpError], Response]:
    """The error function of one action's routes (its `help` link names the action)."""

    def render(error: HttpError) -> Response:
        if error.status == 400:
            return json_response(error.message, 400, error.headers)
        kind = error.code if error.code in (AUTHORIZATION, NOT_FOUND, VALIDATION) else None
        kind = kind or _TYPE_BY_STATUS.get(error.status) or INTERNAL
        body = {"__type": kind, "message": error.message, **error.data}
        if kind == VALIDATION and error.data:
            del body["message"]  # CKAN's 409 lists the fields' errors, without a message
        envelope = {"help": help_url(), "success": False, "error": body}
        return json_response(envelope, error.status, error.headers)

    return render
