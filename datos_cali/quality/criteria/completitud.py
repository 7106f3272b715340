"""Completitud: how much of the table is actually filled in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.measures import empty_counts, share
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

MOSTLY_EMPTY = 0.5  # a column with more than half its cells empty counts as mostly empty

CRITERION = Criterion(
    id="completitud",
    name="Completitud",
    definition="Qué tanto del conjunto tiene valor: celdas y columnas sin vacíos.",
    formula=(
        "promedio de 10·(1 − (celdas vacías / celdas)^1,5), "
        "10·(1 − (columnas con más de 50 % vacío / columnas)^2) y "
        "10·(columnas sin vacíos / columnas); vacío = nulo o marcador como «SIN INFORMACIÓN»"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


def evaluate(ctx: QualityContext) -> Score:
    empty = empty_counts(ctx.frame, ctx.views)
    columns = len(ctx.frame.columns)
    cells = ctx.num_rows * columns
    empty_count = int(empty.sum())
    per_column = empty / ctx.num_rows if ctx.num_rows else empty
    mostly_empty = int((per_column > MOSTLY_EMPTY).sum())
    without_empty = int((empty == 0).sum()) if ctx.num_rows else 0
    parts = (
        10 * (1 - share(empty_count, cells, empty=1.0) ** 1.5),
        10 * (1 - share(mostly_empty, columns, empty=1.0) ** 2),
        10 * share(without_empty, columns, empty=0.0),
    )
    evidence = {
        "celdas": cells,
        "celdas_vacias": empty_count,
        "columnas": columns,
        "columnas_mayormente_vacias": mostly_empty,
        "columnas_sin_vacios": without_empty,
    }
    return ctx.score(CRITERION, sum(parts) / 3, evidence)
