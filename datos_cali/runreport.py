"""The JSON report of one run of one dataset: written by the run, read by the report site.

It is versioned (`schema_version`): a reader gets every report in the current shape, whichever
version wrote it. Version 1 (before December 2026) had no `schema_version`; some of its reports
carry `evidence` ({criterion: {what: count}}) instead of `score_details`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_serializer

from datos_cali.findings import Finding
from datos_cali.outcomes import Outcome

SCHEMA_VERSION = 2


class SourceInfo(BaseModel):
    """Where the submission came from and its exact bytes."""

    kind: str
    uri: str | None = None
    file_name: str | None = None
    sha256: str
    bytes: int


@dataclass
class TargetReport:
    """What happened on one portal: what a delivery returns, and what the report keeps (one
    type for both, so a field added to one cannot be forgotten in the other)."""

    target: str
    outcome: Outcome
    portal: str | None = None  # the instance written (`socrata@local`: the embedded stand-in)
    asset_id: str | None = None
    url: str | None = None
    created: int = 0
    updated: int = 0
    deleted: int = 0
    rows_sent: int = 0
    requests: int = 0
    bytes_sent: int = 0
    request_ids: list[str] = field(default_factory=list)
    error: str | None = None
    transient: bool = False
    timings: dict[str, float] = field(default_factory=dict)


class RunReport(BaseModel):
    # Reports outlive the code that wrote them: keys a newer writer adds are ignored here.
    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION
    dataset: str
    title: str | None = None
    organismo: str | None = None
    run_id: str
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    outcome: Outcome | None = None
    message: str | None = None
    source: SourceInfo | None = None
    rows: int | None = None
    columns: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    scores: dict[str, float | None] = Field(default_factory=dict)
    score_details: dict[str, dict[str, Any]] = Field(default_factory=dict)
    overall: float | None = None  # the weighted index of the scores
    expectations: dict[str, Any] | None = None  # the Great Expectations summary, when it ran
    targets: list[TargetReport] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)

    @field_serializer("started_at", "finished_at")
    def _iso(self, moment: dt.datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2)

    @classmethod
    def parse(cls, raw: bytes | str) -> RunReport | None:
        """The report in the current shape, or None when it is not a run report at all."""
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        try:
            return cls.model_validate(upgrade(data))
        except ValidationError:
            return None


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A report of any earlier version, as the current version would have written it."""
    data = dict(data)
    if data.get("schema_version", 1) < 2:
        evidence = data.pop("evidence", None)
        if not data.get("score_details") and isinstance(evidence, dict):
            data["score_details"] = {
                key: {"evidence": value}
                for key, value in evidence.items()
                if isinstance(value, dict)
            }
    data["schema_version"] = SCHEMA_VERSION
    return data
