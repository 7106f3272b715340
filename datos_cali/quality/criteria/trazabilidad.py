"""Trazabilidad: where the data comes from, when it was made and who answers for it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

YEAR = re.compile(r"\b(19[5-9][0-9]|20[0-9]{2})\b")

CRITERION = Criterion(
    id="trazabilidad",
    name="Trazabilidad",
    definition="Que se sepa cuándo se creó, cada cuánto se actualiza, de dónde sale y quién "
    "responde por el conjunto.",
    formula=(
        "10·(ítems cumplidos / 5): fecha de emisión, frecuencia de actualización, fuente "
        "declarada, dependencia responsable, título sin año"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.METADATA,
)


def year_in_title(title: str) -> str | None:
    found = YEAR.search(title)
    return found.group() if found else None


def evaluate(ctx: QualityContext) -> Score:
    dataset = ctx.dataset
    items = {
        "fecha_emision": dataset.metadata.data.fecha_emision is not None,
        "frecuencia": dataset.frequency is not None,
        "fuente": dataset.source is not None,
        "dependencia": bool(dataset.metadata.entity.area.strip()),
        "titulo_sin_anio": year_in_title(dataset.title) is None,
    }
    return ctx.score(CRITERION, 10 * sum(items.values()) / len(items), items)
