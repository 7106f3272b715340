"""Identifiers shaped like Socrata's: 4x4 view ids, `row-xxxx~xxxx~xxxx` row ids, request ids.

Row ids encode the internal row number (sid) so `:id` round-trips without a lookup table; sids
are never reused, so neither are row ids.
"""

from __future__ import annotations

import re
import secrets
import string

ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"  # 32 symbols, no look-alikes (as Socrata's)
_ROW_ID = re.compile(r"^row-([a-z2-9]{4})~([a-z2-9]{4})~([a-z2-9]{4})$")


def view_id() -> str:
    pick = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{pick[:4]}-{pick[4:]}"


def numeric_id() -> int:
    """A nine-digit id, as Socrata gives columns and publication groups."""
    return 100_000_000 + secrets.randbelow(900_000_000)


def request_id() -> str:
    return secrets.token_hex(16)


def secret(length: int) -> str:
    symbols = string.ascii_letters + string.digits
    return "".join(secrets.choice(symbols) for _ in range(length))


def row_id(sid: int) -> str:
    symbols = []
    for _ in range(12):
        sid, digit = divmod(sid, 32)
        symbols.append(ALPHABET[digit])
    text = "".join(reversed(symbols))
    return f"row-{text[:4]}~{text[4:8]}~{text[8:]}"


def parse_row_id(text: str) -> int | None:
    """The sid of a `row-…` id, or None when the text is not one."""
    found = _ROW_ID.match(text.strip()) if isinstance(text, str) else None
    if not found:
        return None
    sid = 0
    for symbol in "".join(found.groups()):
        index = ALPHABET.find(symbol)
        if index < 0:
            return None
        sid = sid * 32 + index
    return sid
