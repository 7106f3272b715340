"""Disponibilidad: the data can be found and is current when someone needs it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

CRITERION = Criterion(
    id="disponibilidad",
    name="Disponibilidad",
    definition="Que los datos se puedan encontrar y estén vigentes cuando se necesitan.",
    formula="(Accesibilidad + Actualidad) / 2",
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


def evaluate(ctx: QualityContext) -> Score:
    accesibilidad = ctx.score_of("accesibilidad").value
    actualidad = ctx.score_of("actualidad").value
    evidence = {"accesibilidad": accesibilidad, "actualidad": actualidad}
    return ctx.score(CRITERION, (accesibilidad + actualidad) / 2, evidence)
