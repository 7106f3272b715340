"""Eficiencia: the data can be used without cleaning it first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

CRITERION = Criterion(
    id="eficiencia",
    name="Eficiencia",
    definition="Que los datos se puedan usar sin limpiarlos antes: completos y sin repetidos.",
    formula="(Completitud + Unicidad) / 2",
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


def evaluate(ctx: QualityContext) -> Score:
    completitud = ctx.score_of("completitud").value
    unicidad = ctx.score_of("unicidad").value
    evidence = {"completitud": completitud, "unicidad": unicidad}
    return ctx.score(CRITERION, (completitud + unicidad) / 2, evidence)
