"""Actualidad: the data is as recent as its declared update frequency promises."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.measures import freshness
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

CRITERION = Criterion(
    id="actualidad",
    name="Actualidad",
    definition="Que los datos estén al día según la frecuencia de actualización declarada.",
    formula=(
        "10 si (ahora − última actualización) ≤ periodo de la frecuencia declarada, si no 0; "
        "última actualización = última publicación confirmada, o la fecha de emisión del "
        "catálogo cuando no la hay (pre-revisión); frecuencia «no aplica» = 10"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.METADATA,
)


def evaluate(ctx: QualityContext) -> Score:
    fresh = freshness(ctx)
    evidence = {
        "dias_desde_actualizacion": fresh.days,
        "dias_permitidos": fresh.period_days if fresh.period_days is not None else -1,
        "referencia_es_publicacion": fresh.from_publication,
    }
    return ctx.score(CRITERION, 0 if fresh.stale else 10, evidence)
