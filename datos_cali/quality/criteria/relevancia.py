"""Relevancia: the data is classified and large enough to be useful."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

CRITERION = Criterion(
    id="relevancia",
    name="Relevancia",
    definition="Que el conjunto tenga categoría temática y suficientes registros para servir.",
    formula="5·(tiene categoría) + 5·mín(filas / 50, 1)",
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


def evaluate(ctx: QualityContext) -> Score:
    minimum = ctx.settings.review["menos_de_50_filas"].min_rows or 50
    category = bool(ctx.dataset.metadata.category.strip())
    value = 5 * category + 5 * min(ctx.num_rows / minimum, 1)
    evidence = {"categoria": category, "filas": ctx.num_rows, "filas_minimas": minimum}
    return ctx.score(CRITERION, value, evidence)
