"""Credibilidad: the data comes with what a reader needs to trust it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.measures import described_columns, metadata_share, share
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

CRITERION = Criterion(
    id="credibilidad",
    name="Credibilidad",
    definition="Que el conjunto diga quién lo publica y qué significa cada dato.",
    formula=(
        "10·(0,70·metadatos completos + 0,05·publicador válido + 0,25·columnas descritas); "
        "publicador válido = el organismo existe en el catálogo con nombre y correo"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.METADATA,
)


def evaluate(ctx: QualityContext) -> Score:
    metadata = metadata_share(ctx.dataset)
    publisher = bool(
        ctx.organismo and ctx.organismo.slug == ctx.dataset.organismo and ctx.organismo.email
    )
    described, total = described_columns(ctx)
    value = 10 * (0.70 * metadata + 0.05 * publisher + 0.25 * share(described, total))
    evidence = {
        "metadatos_completos": metadata,
        "publicador_valido": publisher,
        "columnas_descritas": described,
        "columnas": total,
    }
    return ctx.score(CRITERION, value, evidence)
