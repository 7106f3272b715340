"""Accesibilidad: the data can be found and understood from the portal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.measures import metadata_fields
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

CRITERION = Criterion(
    id="accesibilidad",
    name="Accesibilidad",
    definition="Que el conjunto se encuentre por sus etiquetas y enlace su documentación y su "
    "norma.",
    formula="10·(ítems cumplidos / 3): etiquetas, enlace a documentación, enlace a normativa",
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.METADATA,
)


def evaluate(ctx: QualityContext) -> Score:
    fields = metadata_fields(ctx.dataset)
    items = {
        "etiquetas": fields["etiquetas"],
        "url_documentacion": fields["url_documentacion"],
        "url_normativa": fields["url_normativa"],
    }
    return ctx.score(CRITERION, 10 * sum(items.values()) / len(items), items)
