"""Comprensibilidad: a citizen can understand the data from its description alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.measures import described_columns, share
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

FULL_DESCRIPTION = 150  # characters of description that earn the full score
FULL_TAGS = 3

CRITERION = Criterion(
    id="comprensibilidad",
    name="Comprensibilidad",
    definition="Que la descripción, las columnas y las etiquetas permitan entender los datos.",
    formula=(
        "10·(mín(largo de la descripción / 150, 1) + columnas descritas / columnas + "
        "mín(etiquetas / 3, 1)) / 3"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.METADATA,
)


def evaluate(ctx: QualityContext) -> Score:
    length = len(ctx.dataset.description.strip())
    described, columns = described_columns(ctx)
    tags = len(ctx.dataset.metadata.tags)
    parts = (
        min(length / FULL_DESCRIPTION, 1),
        share(described, columns),
        min(tags / FULL_TAGS, 1),
    )
    evidence = {
        "largo_descripcion": length,
        "columnas_descritas": described,
        "columnas": columns,
        "etiquetas": tags,
    }
    return ctx.score(CRITERION, 10 * sum(parts) / 3, evidence)
