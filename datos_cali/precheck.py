"""The pre-check an organismo runs before sending a file: will it publish, and if not, why.

Reads the file, then runs the same analysis the publish flow runs (`datos_cali.quality.analyse`):
personal data on the raw text, the contract with personal values masked, the MinTIC criteria
and the review codes. Never imports Prefect or Great Expectations: it must answer in about a
second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from datos_cali import deadline, messages
from datos_cali.catalog.models import Dataset, Organismo
from datos_cali.contracts.coerce import TypedTable
from datos_cali.contracts.schema import Contract
from datos_cali.findings import Finding, Kind, blocking, warnings
from datos_cali.quality import Analysis, analyse
from datos_cali.reading import ReadError, read_table


@dataclass
class PrecheckResult:
    dataset: str
    file: str
    rows: int = 0
    columns: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    typed: TypedTable | None = None
    scores: dict[str, float] = field(default_factory=dict)
    overall: float | None = None  # weighted index of the scores
    analysis: Analysis | None = None  # the whole analysis, for the flows (pii, masker, scores)

    @property
    def errors(self) -> list[Finding]:
        return blocking(self.findings)

    @property
    def warnings(self) -> list[Finding]:
        return warnings(self.findings)

    @property
    def publishable(self) -> bool:
        return not self.errors

    def fields(self) -> dict[str, str]:
        """header as written → field name; a header the file repeats is told apart by its
        column number («Programa (columna 6)»)."""
        repeated = {h for h in self.columns if self.columns.count(h) > 1}
        out = {}
        for name, header in self.typed.headers.items():
            if header in repeated and name in self.typed.positions:
                header = f"{header} (columna {self.typed.positions[name] + 1})"
            out[header] = name
        return out

    def to_json(self) -> dict:
        out = {
            "dataset": self.dataset,
            "file": self.file,
            "publishable": self.publishable,
            "rows": self.rows,
            "columns": self.columns,
            "errors": [f.public_dict() for f in self.errors],
            "warnings": [f.public_dict() for f in self.warnings],
        }
        if self.typed is not None:
            out["fields"] = self.fields()
        if self.scores:
            out["scores"] = self.scores
        return out


def precheck(
    path: Path,
    dataset: Dataset,
    contract: Contract,
    *,
    organismo: Organismo | None = None,
    now: dt.datetime | None = None,
    last_updated: dt.datetime | None = None,
    name: str | None = None,
) -> PrecheckResult:
    """Read `path` and analyse it. The command line knows no last publication (None); the
    publish flow passes it, so Actualidad measures the real age of the data. `name` is the
    file name as sent when `path` is its archived copy."""
    result = PrecheckResult(dataset=dataset.slug, file=name or str(path))
    seconds = deadline.file_budget()
    try:
        with deadline.budget(seconds):
            return _precheck(path, dataset, contract, result, organismo, now, last_updated, name)
    except deadline.OutOfTime as exc:
        return PrecheckResult(
            dataset=dataset.slug,
            file=result.file,
            rows=result.rows,
            columns=result.columns,
            findings=[
                Finding(
                    kind=Kind.FORMAT,
                    code="tiempo_agotado",
                    message=messages.OUT_OF_TIME.format(seconds=f"{exc.seconds:g}"),
                )
            ],
        )


def _precheck(
    path: Path,
    dataset: Dataset,
    contract: Contract,
    result: PrecheckResult,
    organismo: Organismo | None,
    now: dt.datetime | None,
    last_updated: dt.datetime | None,
    name: str | None,
) -> PrecheckResult:
    """The pre-check proper, inside the file's time budget (`datos_cali.deadline`)."""
    try:
        raw = read_table(
            path,
            sheet=dataset.reading.sheet,
            encoding=dataset.reading.encoding,
            delimiter=dataset.reading.delimiter,
            name=name,
        )
    except ReadError as exc:
        result.findings.append(exc.finding)
        return result
    result.rows = raw.num_rows
    result.columns = list(raw.headers)
    if raw.num_rows == 0:
        result.findings.extend(raw.findings)
        result.findings.append(
            Finding(kind=Kind.EMPTY, code="sin_filas", message=messages.EMPTY_NO_ROWS)
        )
        return result
    # Structure problems do not stop here: the person gets every problem in one pass.
    analysis = analyse(
        raw,
        dataset,
        contract,
        now=now or dt.datetime.now(dt.UTC),
        last_updated=last_updated,
        organismo=organismo,
    )
    result.analysis = analysis
    result.typed = analysis.typed
    result.findings.extend(analysis.findings)
    result.scores = analysis.score_values()
    result.overall = analysis.assessment.overall
    return result
