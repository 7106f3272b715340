"""Recuperabilidad: the data can be retrieved and its description checked later."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datos_cali.findings import Kind
from datos_cali.quality.measures import metadata_share, share
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

CRITERION = Criterion(
    id="recuperabilidad",
    name="Recuperabilidad",
    definition="Que los datos y su descripción se puedan recuperar y verificar.",
    formula=(
        "(Accesibilidad + 10·metadatos completos + 10·metadatos auditados) / 3; auditados = "
        "columnas que el catálogo y el contrato declaran por igual / columnas de ambos"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.METADATA,
)


def evaluate(ctx: QualityContext) -> Score:
    accesibilidad = ctx.score_of("accesibilidad").value
    metadata = metadata_share(ctx.dataset)
    catalog, contract = set(ctx.dataset.columns), set(ctx.contract.columns)
    audited = share(len(catalog & contract), len(catalog | contract))
    value = (accesibilidad + 10 * metadata + 10 * audited) / 3
    evidence = {
        "accesibilidad": accesibilidad,
        "metadatos_completos": metadata,
        "metadatos_auditados": audited,
    }
    return ctx.score(CRITERION, value, evidence)
