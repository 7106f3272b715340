"""Precisión: the data is disaggregated finely enough, in time and in space."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.model import Criterion, Score
from datos_cali.reading.headers import normalize

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

# Column-name words that say how finely a column cuts time or space.
MONTH_WORDS = frozenset({"mes", "semana", "periodo", "trimestre", "bimestre", "fecha", "dia"})
YEAR_WORDS = frozenset({"anio", "ano", "vigencia", "year"})
PLACE_WORDS = frozenset(
    {"comuna", "barrio", "corregimiento", "vereda", "direccion", "ubicacion", "sector"}
)
POINT_WORDS = frozenset({"latitud", "longitud", "lat", "lon", "coordenadas", "geometria"})

CRITERION = Criterion(
    id="precision",
    name="Precisión",
    definition="Que los datos estén desagregados lo suficiente en el tiempo y en el territorio.",
    formula=(
        "10·(nivel temporal / 3 + nivel territorial / 3) / 2; temporal: 3 fecha, 2 mes o "
        "semana o periodo, 1 año, 0 ninguno; territorial: 3 coordenadas, 2 comuna o barrio, "
        "1 el municipio entero"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


def _words(ctx: QualityContext) -> set[str]:
    return {w for column in ctx.frame.columns for w in normalize(column).split()}


def temporal_level(ctx: QualityContext) -> int:
    if ctx.columns_of("date", "datetime"):
        return 3
    words = _words(ctx)
    if words & MONTH_WORDS:
        return 2
    return 1 if words & YEAR_WORDS else 0


def spatial_level(ctx: QualityContext) -> int:
    words = _words(ctx)
    if ctx.dataset.coordinates or words & POINT_WORDS:
        return 3
    checks = {c.name for col in ctx.contract.schema.columns.values() for c in col.checks}
    if "comuna_cali" in checks or words & PLACE_WORDS:
        return 2
    return 1


def evaluate(ctx: QualityContext) -> Score:
    temporal, spatial = temporal_level(ctx), spatial_level(ctx)
    evidence = {"nivel_temporal": temporal, "nivel_territorial": spatial}
    return ctx.score(CRITERION, 10 * (temporal / 3 + spatial / 3) / 2, evidence)
