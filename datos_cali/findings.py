"""Findings: what the pipeline found wrong with a submission, as structured data.

Every check in the project (reading, contracts, quality, personal data) reports through
`Finding`; the CLI, the JSON output, the report site and the ledger only render them.

A finding has two wordings. `message` is the public one — the run JSON, the ledger, the report
site and the Prefect artifacts carry it — and never quotes a cell: examples there are file row
numbers only. `organismo_message`, when a check has an example value to show, is the same
sentence with that value (masked by the personal-data gate) for the organismo's own report
(`datos-cali validate`, the `.informe` files beside a rejected submission); it is left out of
every serialisation (`model_dump`), so no writer can publish it by accident.

`rows` keeps the first few file row numbers (what is shown, stored and serialised); the check's
whole list travels beside it in memory only (`Finding.all_rows()`), for the ventanilla's
download of every row to fix. Checks hand both over at once through `first_rows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

MAX_EXAMPLE_ROWS = 10


class Kind(StrEnum):
    FORMAT = "format"  # not a table at all: binary, image, archive
    ENCODING = "encoding"
    STRUCTURE = "structure"  # ragged rows, duplicate or empty headers
    EMPTY = "empty"  # no data rows
    SCHEMA = "schema"  # contract failures
    PII = "pii"  # personal data
    METADATA = "metadata"
    QUALITY = "quality"


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    INFO = "info"


class Finding(BaseModel):
    """One problem, grouped: a column and a check, how many rows, and where to look first."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    code: str
    message: str  # public: never a cell value (see the module docstring)
    column: str | None = None  # the contract's field name (or the header, outside the contract)
    header: str | None = None  # the column's header as written in the file
    count: int = 1
    rows: list[int] = Field(default_factory=list)
    severity: Severity = Severity.BLOCK
    organismo_message: str | None = Field(default=None, exclude=True)
    _all_rows: Any = PrivateAttr(default=None)  # every row, when the check listed more

    def for_organismo(self) -> str:
        """The wording for the organismo's own report: with the (masked) example, if any."""
        return self.organismo_message or self.message

    @model_validator(mode="wrap")
    @classmethod
    def _keep_every_row(cls, data: Any, handler):
        every = getattr(data.get("rows"), "every", None) if isinstance(data, dict) else None
        finding = handler(data)
        if every is not None and len(every) > len(finding.rows):
            finding.__pydantic_private__["_all_rows"] = every
        return finding

    def all_rows(self) -> Sequence[int]:
        """Every file row number the check found (not only the first few in `rows`)."""
        return self._all_rows if self._all_rows is not None else self.rows

    def public_dict(self) -> dict:
        """The shape promised by `datos-cali validate --json`, the organismo's own report
        (severity is implied by the list it is in)."""
        return {
            "kind": self.kind.value,
            "code": self.code,
            "column": self.column,
            "header": self.header,
            "message": self.for_organismo(),
            "count": self.count,
            "rows": list(self.rows),
        }


class ExampleRows(list):
    """The first few row numbers, carrying every one of them (`every`) to `Finding`."""

    every: np.ndarray


def first_rows(rows, limit: int = MAX_EXAMPLE_ROWS) -> list[int]:
    """The first few file row numbers (1-based, header is row 1) to show a person; a `Finding`
    built with them also keeps the whole list (`Finding.all_rows()`)."""
    every = np.asarray(rows if isinstance(rows, np.ndarray) else list(rows), dtype=np.int64)
    out = ExampleRows(int(row) for row in every[:limit])
    out.every = every
    return out


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.BLOCK]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity != Severity.BLOCK]
