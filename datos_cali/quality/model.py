"""What a criterion is, what it scores, and what an assessment returns — all plain data.

The report site and the ledger store these as JSON (`model_dump`), so every field is a number,
a string or a list of findings: evidence carries counts (and, where it says which columns,
their headers), never the cells themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from datos_cali.findings import Finding, Kind, Severity

FORMULA_SOURCE = (
    "MinTIC, Guía de estándares de calidad e interoperabilidad de los datos abiertos del "
    "Gobierno de Colombia (criterios basados en la NTC-ISO/IEC 25012). La fórmula oficial no "
    "estuvo disponible: se usa la versión 1 provisional adoptada por la Oficina de Transparencia, "
    "la de las implementaciones públicas del índice de calidad de datos.gov.co."
)


@dataclass(frozen=True)
class Criterion:
    """A MinTIC criterion as the report shows it: what it means and how it is computed."""

    id: str
    name: str  # Spanish, as MinTIC names it
    definition: str  # one sentence for a citizen
    formula: str  # the formula in words and symbols, as the report prints it
    formula_version: str  # "1-provisional": bump when the formula changes
    provisional: bool
    kind: Kind  # the kind of the finding produced below the threshold
    source: str = FORMULA_SOURCE

    def describe(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "definition": self.definition,
            "formula": self.formula,
            "formula_version": self.formula_version,
            "provisional": self.provisional,
            "kind": self.kind.value,
            "source": self.source,
        }


Evidence = dict[str, float | int | str]  # str: headers of columns, never cell values


class Score(BaseModel):
    """One criterion's 0–10 score for one submission, with what was counted to get it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    value: float  # 0–10, one decimal
    evidence: Evidence
    formula_version: str
    provisional: bool
    severity: Severity  # of the finding produced when `value` is below `threshold`
    threshold: float
    findings: list[Finding] = Field(default_factory=list)  # specific problems the criterion saw

    @property
    def passed(self) -> bool:
        return self.value >= self.threshold


class Assessment(BaseModel):
    """Every score plus every finding the quality engine produced, in a stable order."""

    findings: list[Finding]
    scores: dict[str, Score]
    overall: float  # weighted mean of the scores (weights in quality/criterios.yaml)

    def values(self) -> dict[str, float]:
        return {criterion: score.value for criterion, score in self.scores.items()}


def clamp(value: float) -> float:
    """A score on the 0–10 scale, rounded to one decimal as the report shows it."""
    return round(min(10.0, max(0.0, float(value))), 1)
