"""Confidencialidad: how much personal data the published table would expose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

RISK_BUDGET = 6  # risk points at which the score reaches 0 (two identifier columns)

CRITERION = Criterion(
    id="confidencialidad",
    name="Confidencialidad",
    definition="Que el conjunto no exponga datos personales que la ley no permite publicar.",
    formula=(
        "10·máx(0, 1 − puntos de riesgo / 6); puntos = suma del peso de cada columna con datos "
        "personales no públicos por ley (3 cédula/documento o categoría sensible, "
        "2 dirección/teléfono/correo, 1 nombre/edad/sexo), por nombre o por valores"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.PII,
)


def evaluate(ctx: QualityContext) -> Score:
    personal = ctx.pii()
    evidence = personal.evidence()
    value = 10 * max(0.0, 1 - evidence["puntos_de_riesgo"] / RISK_BUDGET)
    return ctx.score(CRITERION, value, evidence)
