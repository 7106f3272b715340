"""Consistencia: each column is coded one way, and related columns agree with each other."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pyarrow.compute as pc

from datos_cali.findings import Finding, Kind, Severity, first_rows
from datos_cali.quality import messages
from datos_cali.quality.measures import categorical, rows_holding, share, value_counts
from datos_cali.quality.model import Criterion, Score

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

CRITERION = Criterion(
    id="consistencia",
    name="Consistencia",
    definition="Que cada columna use una sola forma de escribir (mayúsculas, fechas) y que las "
    "columnas relacionadas concuerden (fin no anterior al inicio).",
    formula=(
        "10·(1 − incoherencias / revisiones); incoherencias = celdas de categorías de varias "
        "palabras fuera del estilo de mayúsculas dominante + fechas escritas fuera de la forma "
        "dominante + filas que fallan reglas entre columnas del contrato"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


# Two words: a letter, blanks, a letter. Written without a leading `[^\W\d_]+` (which matches
# the same cells): that form retried every suffix of a long word, quadratic in the cell's
# length (a 50,000-letter cell took a minute, holding the GIL). This one is linear.
MULTI_WORD = re.compile(r"[^\W\d_]\s++[^\W\d_]")
LONG_WORD = re.compile(r"[^\W\d_]{4,}")  # acronyms («EPS», «SOS») say nothing about style


def _style(value: str) -> str | None:
    words = " ".join(LONG_WORD.findall(value))
    if not words:
        return None
    if words == words.upper():
        return "mayusculas"
    if words == words.lower():
        return "minusculas"
    return "mixto"


def _case(ctx: QualityContext, column: str) -> tuple[int, int, Finding | None]:
    """Multi-word categories written in more than one case style («COMUNA 1», «Comuna 2»)."""
    view = ctx.view(column)
    values = None if view is not None else ctx.frame[column]  # a view spares building it
    if not categorical(values, view=view):
        return 0, 0, None
    counts = value_counts(view) if view is not None else values.value_counts()
    styles: dict[str, int] = {}
    style_of = {}
    for value, count in counts.items():
        style = _style(str(value)) if MULTI_WORD.search(str(value)) else None
        if style:
            style_of[value] = style
            styles[style] = styles.get(style, 0) + int(count)
    if not styles:
        return 0, 0, None
    dominant = max(styles, key=styles.get)
    checked = sum(styles.values())
    off = [value for value, style in style_of.items() if style != dominant]
    if not off:
        return 0, checked, None
    wrong = rows_holding(values, view, off)
    finding = _off_form(
        ctx, column, "mayusculas_mezcladas", messages.INCONSISTENT_CASE, ctx.row_numbers[wrong]
    )
    return finding.count, checked, finding


def _date_shapes(ctx: QualityContext, column: str) -> tuple[int, int, Finding | None]:
    """Dates written in several forms in one column («15/03/2021» and «2021-03-15»)."""
    view = ctx.raw_view(column)
    if view is None:
        return 0, 0, None
    shapes = pc.replace_substring_regex(pc.utf8_trim_whitespace(view.values), r"[0-9]+", "9")
    shapes = pc.replace_substring_regex(shapes, r"\pL+", "a")
    filled = np.asarray(pc.fill_null(pc.not_equal(shapes, ""), False), dtype=bool)
    if not filled.any():
        return 0, 0, None
    # The shape of each text (each distinct text, for a repetitive column), weighted by the
    # rows holding it; the dominant shape is the heaviest, the first seen on a tie.
    weights = np.where(filled, view.counts()[:-1], 0) if view.repetitive else filled
    encoded = pc.dictionary_encode(shapes)
    codes = np.asarray(pc.fill_null(encoded.indices, 0).to_numpy(zero_copy_only=False))
    totals = np.bincount(codes, weights=weights, minlength=len(encoded.dictionary))
    wrong = view.rows_where(filled & (codes != int(np.argmax(totals))))
    checked = int(view.rows_where(filled).sum())
    if not wrong.any():
        return 0, checked, None
    finding = _off_form(
        ctx,
        column,
        "fechas_en_varias_formas",
        messages.INCONSISTENT_DATES,
        ctx.raw.row_numbers[wrong],
        shapes=int((totals > 0).sum()),
    )
    return finding.count, checked, finding


def _off_form(
    ctx: QualityContext, column: str, code: str, template: str, rows: np.ndarray, **extra
) -> Finding:
    """The finding for the cells of `column` written off its dominant form, at file `rows`."""
    count = len(rows)
    return Finding(
        kind=Kind.QUALITY,
        code=code,
        severity=Severity.INFO,
        column=column,
        count=count,
        rows=first_rows(rows),
        message=template.format(
            header=ctx.header(column),
            count=count,
            filas=messages.rows_word(count),
            row=int(rows[0]),
            **extra,
        ),
    )


def evaluate(ctx: QualityContext) -> Score:
    findings: list[Finding] = []
    totals = {"mayusculas": [0, 0], "fechas": [0, 0]}
    for part, columns, measure in (
        ("mayusculas", ctx.columns_of("text"), _case),
        ("fechas", ctx.columns_of("date", "datetime"), _date_shapes),
    ):
        for column in columns:
            bad, checked, finding = measure(ctx, column)
            totals[part][0] += bad
            totals[part][1] += checked
            if finding:
                findings.append(finding)
    rules = [check.name for check in ctx.contract.schema.checks]
    rule_codes = {f"regla_{name}" for name in rules}
    rule_bad = sum(f.count for f in ctx.contract_findings if f.code in rule_codes)
    rule_checked = ctx.num_rows * len(rules)
    bad = totals["mayusculas"][0] + totals["fechas"][0] + rule_bad
    checked = totals["mayusculas"][1] + totals["fechas"][1] + rule_checked
    evidence = {
        "celdas_estilo_revisadas": totals["mayusculas"][1],
        "celdas_estilo_distinto": totals["mayusculas"][0],
        "fechas_revisadas": totals["fechas"][1],
        "fechas_forma_distinta": totals["fechas"][0],
        "reglas_entre_columnas": len(rules),
        "filas_que_fallan_reglas": rule_bad,
    }
    value = 10 * (1 - min(1.0, share(bad, checked, empty=0.0)))
    return ctx.score(CRITERION, value, evidence, findings)
