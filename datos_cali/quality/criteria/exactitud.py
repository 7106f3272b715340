"""Exactitud: values are spelled one way and fall inside what the contract allows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from datos_cali.findings import Finding, Kind, Severity, first_rows
from datos_cali.quality import messages
from datos_cali.quality.measures import categorical, rows_holding, share, value_counts
from datos_cali.quality.model import Criterion, Score
from datos_cali.reading.headers import normalize

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

# Contract findings that say a value is wrong (not missing, not mistyped): the semantic part.
SEMANTIC_CODES = frozenset(
    {
        "fuera_de_rango",
        "valor_desconocido",
        "formato_invalido",
        "longitud_invalida",
        "fecha_imposible",
    }
)

CRITERION = Criterion(
    id="exactitud",
    name="Exactitud",
    definition="Que cada valor se escriba de una sola forma y esté dentro de lo permitido.",
    formula=(
        "promedio de 10·(1 − celdas con variantes de escritura / celdas de categorías) "
        "(«Cali» y «Calí»: igual sin tildes, mayúsculas ni signos) y 10·(1 − celdas fuera de "
        "rango, de la lista o del formato / celdas con reglas del contrato)"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


def _variants(ctx: QualityContext, column: str) -> tuple[int, int, Finding | None]:
    """(cells written in a minority spelling, cells checked, the finding that shows them)."""
    view = ctx.view(column)
    values = None if view is not None else ctx.frame[column]  # a view spares building it
    if not categorical(values, view=view):
        return 0, 0, None
    counts = value_counts(view) if view is not None else values.dropna().astype(str).value_counts()
    keys = pd.Series([normalize(v) for v in counts.index], index=counts.index)
    minority: list[str] = []
    example: tuple[str, str] | None = None
    for _key, spellings in counts.groupby(keys.values, sort=False):
        if len(spellings) < 2:
            continue
        ordered = spellings.sort_values(ascending=False)
        minority.extend(ordered.index[1:])
        example = example or (ordered.index[0], ordered.index[1])
    checked = int(counts.sum())
    if not minority:
        return 0, checked, None
    wrong = rows_holding(values, view, minority)
    count = int(wrong.sum())
    rows = first_rows(ctx.row_numbers[wrong])
    fields = {
        "header": ctx.header(column),
        "variants": len(minority) + 1,
        "count": count,
        "filas": messages.rows_word(count),
    }
    finding = Finding(
        kind=Kind.QUALITY,
        code="variantes_de_escritura",
        severity=Severity.INFO,
        column=column,
        count=count,
        rows=rows,
        # Public: where to look. The organismo's own report: which spellings (masked).
        message=messages.NEAR_DUPLICATES.format(example=f"la fila {rows[0]}", **fields),
        organismo_message=messages.NEAR_DUPLICATES.format(
            example=f"«{ctx.show(column, example[0])}» y «{ctx.show(column, example[1])}»",
            **fields,
        ),
    )
    return count, checked, finding


def _ruled_columns(ctx: QualityContext) -> int:
    columns = ctx.contract.schema.columns
    return sum(
        1
        for name in ctx.frame.columns
        if columns[name].checks or ctx.kind(name) in ("date", "datetime")
    )


def evaluate(ctx: QualityContext) -> Score:
    syntactic_bad = syntactic_checked = 0
    findings = []
    for column in ctx.columns_of("text"):
        bad, checked, finding = _variants(ctx, column)
        syntactic_bad += bad
        syntactic_checked += checked
        if finding:
            findings.append(finding)
    semantic_bad = sum(f.count for f in ctx.contract_findings if f.code in SEMANTIC_CODES)
    semantic_checked = ctx.num_rows * _ruled_columns(ctx)
    parts = (
        10 * (1 - share(syntactic_bad, syntactic_checked, empty=0.0)),
        10 * (1 - min(1.0, share(semantic_bad, semantic_checked, empty=0.0))),
    )
    evidence = {
        "celdas_de_categorias": syntactic_checked,
        "celdas_con_variantes": syntactic_bad,
        "celdas_con_reglas": semantic_checked,
        "celdas_fuera_de_regla": semantic_bad,
    }
    return ctx.score(CRITERION, float(np.mean(parts)), evidence, findings)
