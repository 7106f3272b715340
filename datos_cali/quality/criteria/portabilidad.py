"""Portabilidad: the data can be taken to any tool without losing anything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

FORMAT_POINTS = {"csv": 10, "json": 10, "xlsx": 6, "pdf": 2}
OTHER_FORMAT = 4

CRITERION = Criterion(
    id="portabilidad",
    name="Portabilidad",
    definition="Que los datos lleguen en un formato abierto y estándar, completos.",
    formula=(
        "0,5·formato + 0,25·Conformidad + 0,25·Completitud; formato: CSV o JSON 10, XLSX 6, "
        "PDF 2, otro 4"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


def evaluate(ctx: QualityContext) -> Score:
    points = FORMAT_POINTS.get(ctx.source_format.lower(), OTHER_FORMAT)
    conformidad = ctx.score_of("conformidad").value
    completitud = ctx.score_of("completitud").value
    value = 0.5 * points + 0.25 * conformidad + 0.25 * completitud
    evidence = {"formato": points, "conformidad": conformidad, "completitud": completitud}
    return ctx.score(CRITERION, value, evidence)
