"""Findings: what the pipeline found wrong with a submission, as structured data.

Every check in the project (reading, contracts, quality, personal data) reports through
`Finding`; the CLI, the JSON output, the report site and the ledger only render them.
A finding never carries the offending values when they may be personal data: messages are
built by the check that knows whether its examples are safe to show.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

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
    message: str
    column: str | None = None
    count: int = 1
    rows: list[int] = Field(default_factory=list)
    severity: Severity = Severity.BLOCK

    def public_dict(self) -> dict:
        """The shape promised by `datos-cali validate --json` (severity is implied by the list)."""
        return {
            "kind": self.kind.value,
            "code": self.code,
            "column": self.column,
            "message": self.message,
            "count": self.count,
            "rows": list(self.rows),
        }


def first_rows(rows, limit: int = MAX_EXAMPLE_ROWS) -> list[int]:
    """The first few file row numbers (1-based, header is row 1) to show a person."""
    out: list[int] = []
    for row in rows:
        out.append(int(row))
        if len(out) >= limit:
            break
    return out


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.BLOCK]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity != Severity.BLOCK]
