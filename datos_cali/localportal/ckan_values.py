"""DataStore field types: what a write may send for each, and how the portal stores and returns it.

The DataStore is PostgreSQL, so values follow PostgreSQL's input rules and come back the way
CKAN's `datastore_search` renders a row with `array_to_json`:

| type (aliases)                 | accepted on write                       | returned               |
|--------------------------------|-----------------------------------------|------------------------|
| text                           | string; numbers and booleans as text    | "string"               |
| numeric                        | JSON number or numeric string           | 1234.5 (a JSON number) |
| int (int4, int8, integer)      | whole number or its text                | 12                     |
| float8 (float)                 | number or numeric string                | 0.25                   |
| timestamp                      | ISO 8601 date or date-time              | "2021-03-15T00:00:00"  |
| date                           | ISO 8601 date                           | "2021-03-15"           |
| bool (boolean)                 | true/false or "true", "f", "yes", "0"…  | true / false           |
| json                           | any JSON value                          | the value              |

Null, or an empty string in a non-text field, is null; nulls come back as `null`. Timestamps are
returned to the second, as CKAN does unless `ckan.datastore.ms_in_timestamp` is set.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

TEXT, NUMERIC, INT, FLOAT = "text", "numeric", "int", "float8"
TIMESTAMP, DATE, BOOL, JSON = "timestamp", "date", "bool", "json"

_ALIASES = {
    "text": TEXT,
    "numeric": NUMERIC,
    "int": INT,
    "int4": INT,
    "int8": INT,
    "integer": INT,
    "bigint": INT,
    "float": FLOAT,
    "float8": FLOAT,
    "timestamp": TIMESTAMP,
    "date": DATE,
    "bool": BOOL,
    "boolean": BOOL,
    "json": JSON,
}
KEY_SEPARATOR = "\x1f"

_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_WHOLE = re.compile(r"^\s*[-+]?\d+\s*$")
_TRUE = {"true", "t", "yes", "y", "on", "1"}
_FALSE = {"false", "f", "no", "n", "off", "0"}

SYNTAX = 'invalid input syntax for type {type}: "{value}"'


class BadValue(ValueError):
    """A value PostgreSQL would refuse for the column (the whole request is refused)."""


def canonical_type(name: Any) -> str | None:
    """The type family of a DataStore type name, or None if the portal does not know it."""
    return _ALIASES.get(str(name).strip().lower()) if isinstance(name, str) else None


def normalize(kind: str, value: Any) -> Any:
    """The stored form of a written value (None for null); raises BadValue."""
    if value is None or (kind != TEXT and isinstance(value, str) and value.strip() == ""):
        return None
    if kind == TEXT:
        return _text(value)
    if kind in (NUMERIC, INT, FLOAT):
        return _number(kind, value)
    if kind == TIMESTAMP:
        return _timestamp(value)
    if kind == DATE:
        return _date(value)
    if kind == BOOL:
        return boolean(value)
    return value


def _bad(kind: str, value: Any) -> BadValue:
    return BadValue(SYNTAX.format(type=kind, value=value))


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    raise _bad(TEXT, value)


def _number(kind: str, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad(kind, value)
    if isinstance(value, str):
        if not _NUMBER.match(value):
            raise _bad(kind, value)
        value = int(value) if _WHOLE.match(value) else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _bad(kind, value)
    if kind == INT:
        if isinstance(value, float) and not value.is_integer():
            raise _bad(kind, value)
        return int(value)
    if kind == FLOAT:
        return float(value)
    return value


def _moment(value: Any) -> datetime:
    if not isinstance(value, str):
        raise _bad(TIMESTAMP, value)
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _bad(TIMESTAMP, value) from None
    return moment.replace(tzinfo=None)  # `timestamp` (without time zone) drops any offset


def _timestamp(value: Any) -> str:
    moment = _moment(value)
    stored = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return stored + (f".{moment.microsecond:06d}" if moment.microsecond else "")


def _date(value: Any) -> str:
    if not isinstance(value, str):
        raise _bad(DATE, value)
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise _bad(DATE, value) from None


def boolean(value: Any) -> bool:
    """PostgreSQL's (and CKAN's boolean_validator's) words for true and false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _bad(BOOL, value)


def render(kind: str, stored: Any) -> Any:
    """A stored value as `datastore_search` returns it."""
    if stored is not None and kind == TIMESTAMP:
        return stored[:19]
    return stored


def key_text(kind: str, stored: Any) -> str:
    """The text one key value is matched on: 5 and 5.0 are the same numeric key."""
    if isinstance(stored, bool):
        return "true" if stored else "false"
    if isinstance(stored, int | float) and kind in (NUMERIC, INT, FLOAT):
        try:
            return format(Decimal(repr(stored)).normalize(), "f")
        except InvalidOperation:
            return repr(stored)
    return stored if isinstance(stored, str) else repr(stored)


def csv_cell(stored: Any) -> str:
    if stored is None:
        return ""
    if isinstance(stored, bool):
        return "true" if stored else "false"
    return str(stored)
