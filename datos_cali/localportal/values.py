"""Column types: what a write may send for each type, and how the portal stores and returns it.

Values are stored already in the shape SODA 2 returns them in JSON, so a read is a copy:

| dataTypeName                 | accepted on write                          | returned (JSON)                 |
|------------------------------|--------------------------------------------|---------------------------------|
| text                         | string (numbers/booleans become text)      | "string"                        |
| number, money, percent       | JSON number or numeric string              | "123", "1234.5" (a string)      |
| calendar_date                | ISO 8601 date or date-time, no offset      | "2021-03-15T00:00:00.000"       |
| checkbox                     | true/false, or "true"/"false" as text      | true / false                    |
| point                        | GeoJSON Point, WKT "POINT (lon lat)",      | {"type": "Point",               |
|                              | or {"latitude", "longitude"}               |  "coordinates": [lon, lat]}     |
| url                          | "https://…" or {"url", "description"?}     | {"url": "…"}                    |

Numbers are returned in canonical decimal form (no exponent, no trailing zeros: "1.50" → "1.5").
Null, an empty string or a missing field means null, and null fields are omitted from the row.
In CSV a point is WKT `POINT (lon lat)`, a url its address, a checkbox `true`/`false`; the
`rows.csv` export writes calendar dates as `MM/DD/YYYY hh:mm:ss AM`, as Socrata's does.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

TEXT, NUMBER, MONEY, PERCENT = "text", "number", "money", "percent"
DATE, CHECKBOX, POINT, URL = "calendar_date", "checkbox", "point", "url"
SUPPORTED_TYPES = (TEXT, NUMBER, MONEY, PERCENT, DATE, CHECKBOX, POINT, URL)
NUMERIC_TYPES = (NUMBER, MONEY, PERCENT)
KEY_TYPES = (TEXT, NUMBER, MONEY, PERCENT, DATE)

# SODA 2.1's names for column types in the X-SODA2-Types header: a calendar date is a
# `floating_timestamp`, `:id` a `row_identifier` (recorded data.sfgov.org response of 2023-06-01,
# Francisco-Castro/chuckwagon test/support/sf_api_data.ex; dev.socrata.com docs/datatypes/).
SODA_TYPES = {
    TEXT: "text",
    NUMBER: "number",
    MONEY: "money",
    PERCENT: "number",
    DATE: "floating_timestamp",
    CHECKBOX: "checkbox",
    POINT: "point",
    URL: "url",
    ":id": "row_identifier",
    ":created_at": "fixed_timestamp",
    ":updated_at": "fixed_timestamp",
}

NOT_A_NUMBER = "{value!r} is not a number"
NOT_A_DATE = "{value!r} is not an ISO 8601 date or date-time without offset"
NOT_A_BOOLEAN = "{value!r} is not true or false"
NOT_A_POINT = "{value!r} is not a point (GeoJSON Point or WKT 'POINT (lon lat)')"
OUT_OF_RANGE = "point ({lon}, {lat}) is outside longitude -180..180 / latitude -90..90"
NOT_A_URL = "{value!r} is not a URL"
NOT_TEXT = "{value!r} is not text"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.(\d{1,9}))?)?)?$")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_WKT_POINT = re.compile(rf"^\s*POINT\s*\(\s*({_NUMBER})\s+({_NUMBER})\s*\)\s*$", re.IGNORECASE)
_MAX_EXPONENT = 60  # keeps "1e999999" from becoming a million digits


class BadValue(ValueError):
    """A cell that does not fit its column's type; the row is not applied."""


@dataclass(frozen=True)
class Column:
    field_name: str
    type_name: str
    name: str = ""


def normalize(type_name: str, value: Any) -> Any:
    """The stored (= returned) form of a written value, None for null; raises BadValue."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if type_name in NUMERIC_TYPES:
        return number_text(value)
    if type_name == DATE:
        return floating_timestamp(value)
    if type_name == CHECKBOX:
        return boolean(value)
    if type_name == POINT:
        return point(value)
    if type_name == URL:
        return url(value)
    return text(value)


def text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return number_text(value)
    raise BadValue(NOT_TEXT.format(value=value))


def number_text(value: Any) -> str:
    if isinstance(value, bool):
        raise BadValue(NOT_A_NUMBER.format(value=value))
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, str):
            number = Decimal(value.strip())
        else:
            raise BadValue(NOT_A_NUMBER.format(value=value))
    except InvalidOperation:
        raise BadValue(NOT_A_NUMBER.format(value=value)) from None
    if not number.is_finite() or abs(number.adjusted()) > _MAX_EXPONENT:
        raise BadValue(NOT_A_NUMBER.format(value=value))
    rendered = format(number.normalize(), "f")
    return "0" if rendered == "-0" else rendered


def floating_timestamp(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue(NOT_A_DATE.format(value=value))
    candidate = value.strip()
    found = _DATE.match(candidate)
    if not found:
        raise BadValue(NOT_A_DATE.format(value=value))
    if found.group(1) and len(found.group(1)) > 6:  # fromisoformat takes at most microseconds
        candidate = candidate[: found.start(1) + 6]
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise BadValue(NOT_A_DATE.format(value=value)) from None
    return format_floating(moment)


def format_floating(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise BadValue(NOT_A_BOOLEAN.format(value=value))


def _coordinate(value: Any, original: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise BadValue(NOT_A_POINT.format(value=original))
    try:
        number = float(value)
    except ValueError:
        raise BadValue(NOT_A_POINT.format(value=original)) from None
    if not math.isfinite(number):
        raise BadValue(NOT_A_POINT.format(value=original))
    return number


def point(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        found = _WKT_POINT.match(value)
        if not found:
            raise BadValue(NOT_A_POINT.format(value=value))
        lon, lat = float(found.group(1)), float(found.group(2))
    elif isinstance(value, dict) and value.get("type") == "Point":
        coordinates = value.get("coordinates")
        if not isinstance(coordinates, list) or len(coordinates) != 2:
            raise BadValue(NOT_A_POINT.format(value=value))
        lon, lat = (_coordinate(c, value) for c in coordinates)
    elif isinstance(value, dict) and {"latitude", "longitude"} <= value.keys():
        lon = _coordinate(value["longitude"], value)
        lat = _coordinate(value["latitude"], value)
    else:
        raise BadValue(NOT_A_POINT.format(value=value))
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise BadValue(OUT_OF_RANGE.format(lon=lon, lat=lat))
    return {"type": "Point", "coordinates": [lon, lat]}


def url(value: Any) -> dict[str, str] | None:
    if isinstance(value, str):
        return {"url": value.strip()}
    if isinstance(value, dict) and isinstance(value.get("url"), str):
        address = value["url"].strip()
        if not address:
            return None
        result = {"url": address}
        if isinstance(value.get("description"), str) and value["description"]:
            result["description"] = value["description"]
        return result
    raise BadValue(NOT_A_URL.format(value=value))


def csv_cell(type_name: str, stored: Any) -> str:
    """The CSV text of a stored value (empty for null)."""
    if stored is None:
        return ""
    if type_name == CHECKBOX:
        return "true" if stored else "false"
    if type_name == POINT:
        lon, lat = stored["coordinates"]
        return f"POINT ({lon!r} {lat!r})"
    if type_name == URL:
        return stored["url"]
    return str(stored)


def export_cell(type_name: str, stored: Any) -> str:
    """A cell of the `rows.csv` export: as `csv_cell`, except calendar dates, which Socrata's
    export writes `MM/DD/YYYY hh:mm:ss AM` (the form RSocrata parses from it: "09/14/2012
    10:38:01 PM", Chicago/RSocrata tests/testthat/test-dateTime.R) — unlike SODA's `.csv`,
    which keeps the ISO floating timestamp."""
    if type_name == DATE and stored is not None:
        moment = datetime.fromisoformat(stored)
        hour = moment.hour % 12 or 12
        suffix = "AM" if moment.hour < 12 else "PM"
        return f"{moment:%m/%d/%Y} {hour:02d}:{moment:%M:%S} {suffix}"
    return csv_cell(type_name, stored)


def key_text(type_name: str, stored: Any) -> str:
    """The text a row identifier value is matched on (stored values are already canonical)."""
    if isinstance(stored, str):
        return stored
    return json.dumps(stored, sort_keys=True)
