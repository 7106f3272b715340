"""The automatic review codes: what a reviewer of datos.gov.co checks by hand, as findings.

One function per code, each returning the findings it produces (none when all is well); the
stable codes are the keys of `REVIEWS` and of the `review:` section of quality/criterios.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datos_cali import deadline
from datos_cali.findings import Finding, Kind, first_rows
from datos_cali.quality import messages
from datos_cali.quality.criteria.precision import POINT_WORDS
from datos_cali.quality.criteria.trazabilidad import year_in_title
from datos_cali.quality.measures import freshness
from datos_cali.reading.artefacts import excel_errors, may_hold_errors
from datos_cali.reading.headers import normalize

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

UNNAMED = re.compile(
    r"^(column|columna|col|unnamed|sin nombre|campo|field|f)[\s_:.-]*\d*$", re.IGNORECASE
)
# A cell that is only a totals label: «TOTAL», «Total general», «Subtotal», «Total Comuna 5».
TOTALS = r"(?i)^\s*(?:gran\s+|sub\s*-?\s*)?total(?:es)?(?:\s+\S+){0,3}\s*:?\s*$"
# OWASP «CSV injection»: a cell a spreadsheet would evaluate. Plain numbers («-5», «+3,5») are
# fine, and so is a lone dash (Excel's accounting zero « -   », or «-» for «no data»).
FORMULA_START = r"^[\s]*[=+\-@\t\r]"
PLAIN_NUMBER = r"^\s*(?:[+-]?[0-9][0-9.,]*\s*%?|[-–—]+)\s*$"
ADDRESS_TERMS = frozenset({"direccion", "domicilio", "direccion de residencia"})


def _finding(ctx: QualityContext, code: str, kind: Kind, message: str, **fields) -> Finding:
    return Finding(kind=kind, code=code, severity=ctx.severity(code), message=message, **fields)


def no_rows(ctx: QualityContext) -> list[Finding]:
    if ctx.num_rows:
        return []
    return [_finding(ctx, "cero_filas", Kind.EMPTY, messages.REVIEW_NO_ROWS, count=0)]


def few_rows(ctx: QualityContext) -> list[Finding]:
    minimum = ctx.settings.review["menos_de_50_filas"].min_rows or 50
    if not 0 < ctx.num_rows < minimum:
        return []
    message = messages.REVIEW_FEW_ROWS.format(
        rows=ctx.num_rows, filas=messages.rows_word(ctx.num_rows), minimum=minimum
    )
    return [_finding(ctx, "menos_de_50_filas", Kind.QUALITY, message, count=ctx.num_rows)]


def few_columns(ctx: QualityContext) -> list[Finding]:
    minimum = ctx.settings.review["menos_de_3_columnas"].min_columns or 3
    columns = len(ctx.frame.columns)
    if columns >= minimum:
        return []
    message = messages.REVIEW_FEW_COLUMNS.format(
        columns=columns, columnas=messages.columns_word(columns), minimum=minimum
    )
    return [_finding(ctx, "menos_de_3_columnas", Kind.STRUCTURE, message, count=columns)]


def unnamed_columns(ctx: QualityContext) -> list[Finding]:
    return [
        _finding(
            ctx,
            "columna_sin_nombre",
            Kind.STRUCTURE,
            messages.REVIEW_UNNAMED_COLUMN.format(header=header),
            column=header,
        )
        for header in ctx.raw.headers
        if UNNAMED.match(header.strip())
    ]


# One pass of both cell regexes together over each column finds the few cells either could
# match; each regex then reads only those (a million identifiers are read once, not twice).
_SUSPECT = f"(?i:{TOTALS.removeprefix('(?i)')})|{FORMULA_START}"


def _matches(ctx: QualityContext, position: int, regex: str) -> np.ndarray:
    """`ctx.raw.matches(position, regex)` for TOTALS and FORMULA_START, through the shared pass."""
    view = ctx.raw.distinct(position)
    if view.repetitive:  # distinct values are few: read them directly
        return ctx.raw.matches(position, regex)
    suspects = ctx.memo(("review", position), lambda: ctx.raw.matches(position, _SUSPECT))
    found = np.zeros(len(suspects), dtype=bool)
    rows = np.flatnonzero(suspects)
    if len(rows):
        few = view.values.take(pa.array(rows))
        hit = pc.fill_null(pc.match_substring_regex(few, regex), False)
        found[rows] = np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
    return found


def totals_rows(ctx: QualityContext) -> list[Finding]:
    if not ctx.raw.num_rows:
        return []
    hit = np.zeros(ctx.raw.num_rows, dtype=bool)
    for position in range(len(ctx.raw.columns)):
        hit |= _matches(ctx, position, TOTALS)
    count = int(hit.sum())
    if not count:
        return []
    message = messages.REVIEW_TOTALS_ROW.format(count=count, filas=messages.rows_word(count))
    rows = first_rows(ctx.raw.row_numbers[hit])
    return [_finding(ctx, "fila_de_totales", Kind.QUALITY, message, count=count, rows=rows)]


def formula_injection(ctx: QualityContext) -> list[Finding]:
    found = []
    for position, header in enumerate(ctx.raw.headers):
        hit = _matches(ctx, position, FORMULA_START)
        if hit.any():
            hit &= ~ctx.raw.matches(position, PLAIN_NUMBER)
        count = int(hit.sum())
        if not count:
            continue
        rows = first_rows(ctx.raw.row_numbers[hit])
        message = messages.REVIEW_FORMULA_INJECTION.format(
            count=count, celdas="celda" if count == 1 else "celdas", header=header, row=rows[0]
        )
        found.append(
            _finding(
                ctx,
                "inyeccion_formula",
                Kind.QUALITY,
                message,
                column=header,
                count=count,
                rows=rows,
            )
        )
    return found


def excel_error_values(ctx: QualityContext) -> list[Finding]:
    """«#N/D», «#¡VALOR!»…: a broken formula exported as text, one finding per column (the
    contract reads them as empty, so without this they would pass as missing values)."""
    found = []
    fields = {position: name for name, position in ctx.positions.items()}
    for position, header in enumerate(ctx.raw.headers):
        view = ctx.raw.distinct(position)
        if may_hold_errors(view.values) is None:
            continue
        hit = view.rows_where(excel_errors(view.values))
        count = int(hit.sum())
        if not count:
            continue
        rows = first_rows(ctx.raw.row_numbers[hit])
        message = messages.REVIEW_EXCEL_ERRORS.format(
            count=count, celdas="celda" if count == 1 else "celdas", header=header, row=rows[0]
        )
        found.append(
            _finding(
                ctx,
                "valor_de_error_excel",
                Kind.QUALITY,
                message,
                column=fields.get(position, header),
                header=header,
                count=count,
                rows=rows,
            )
        )
    return found


def year_in_the_title(ctx: QualityContext) -> list[Finding]:
    year = year_in_title(ctx.dataset.title)
    if year is None:
        return []
    message = messages.REVIEW_YEAR_IN_TITLE.format(title=ctx.dataset.title, year=year)
    return [_finding(ctx, "anio_en_titulo", Kind.METADATA, message)]


def addresses_without_coordinates(ctx: QualityContext) -> list[Finding]:
    words = {w for header in ctx.raw.headers for w in normalize(header).split()}
    if ctx.dataset.coordinates or words & POINT_WORDS:
        return []
    found = []
    for column in ctx.pii().columns:
        named = column.name_match and column.name_match.term in ADDRESS_TERMS
        if named or "direccion" in column.detections:
            message = messages.REVIEW_ADDRESS_WITHOUT_COORDINATES.format(header=column.header)
            code = "direccion_sin_coordenadas"
            found.append(_finding(ctx, code, Kind.METADATA, message, column=column.key))
    return found


def stale(ctx: QualityContext) -> list[Finding]:
    fresh = freshness(ctx)
    if not fresh.stale or not fresh.from_publication:
        return []  # the catalog's date (a pre-check) is the office's metadata, not the file
    message = messages.REVIEW_STALE.format(
        reference=messages.REFERENCE_LAST_UPDATED,
        when=fresh.reference.isoformat(),
        days=fresh.days,
        frequency=ctx.dataset.frequency.value,
        period=fresh.period_days,
    )
    return [_finding(ctx, "desactualizado", Kind.METADATA, message)]


REVIEWS: dict[str, Callable[[QualityContext], list[Finding]]] = {
    "cero_filas": no_rows,
    "menos_de_50_filas": few_rows,
    "menos_de_3_columnas": few_columns,
    "columna_sin_nombre": unnamed_columns,
    "fila_de_totales": totals_rows,
    "anio_en_titulo": year_in_the_title,
    "direccion_sin_coordenadas": addresses_without_coordinates,
    "desactualizado": stale,
    "inyeccion_formula": formula_injection,
    "valor_de_error_excel": excel_error_values,
}


def review(ctx: QualityContext) -> list[Finding]:
    found = []
    for code, check in REVIEWS.items():
        deadline.check(code)
        found.extend(check(ctx))
    return found
