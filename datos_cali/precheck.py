"""The pre-check an organismo runs before sending a file: will it publish, and if not, why.

Reads, types and validates the file against its dataset's contract, then runs the quality
gates. Never imports Prefect or Great Expectations: it must answer in about a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from datos_cali import messages
from datos_cali.catalog.models import Dataset
from datos_cali.contracts.coerce import TypedTable, coerce
from datos_cali.contracts.schema import Contract
from datos_cali.contracts.validate import validate
from datos_cali.findings import Finding, Kind, blocking, warnings
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

    @property
    def errors(self) -> list[Finding]:
        return blocking(self.findings)

    @property
    def warnings(self) -> list[Finding]:
        return warnings(self.findings)

    @property
    def publishable(self) -> bool:
        return not self.errors

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
            out["fields"] = {header: name for name, header in self.typed.headers.items()}
        if self.scores:
            out["scores"] = self.scores
        return out


def precheck(path: Path, dataset: Dataset, contract: Contract) -> PrecheckResult:
    result = PrecheckResult(dataset=dataset.slug, file=str(path))
    try:
        raw = read_table(
            path,
            sheet=dataset.reading.sheet,
            encoding=dataset.reading.encoding,
            delimiter=dataset.reading.delimiter,
        )
    except ReadError as exc:
        result.findings.append(exc.finding)
        return result
    result.rows = raw.num_rows
    result.columns = list(raw.headers)
    result.findings.extend(raw.findings)
    if raw.num_rows == 0:
        result.findings.append(
            Finding(kind=Kind.EMPTY, code="sin_filas", message=messages.EMPTY_NO_ROWS)
        )
        return result
    # Structure problems do not stop here: the person gets every problem in one pass.
    aliases = {name: doc.aliases for name, doc in dataset.columns.items()}
    typed = coerce(raw, contract, aliases=aliases, decimal=dataset.reading.decimal)
    result.typed = typed
    result.findings.extend(typed.findings)
    result.findings.extend(validate(typed, contract))
    return result
