"""Conformidad: values follow the standards others expect (ISO dates, DANE codes, URLs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow.compute as pc

from datos_cali.catalog.models import PortalType
from datos_cali.findings import Kind
from datos_cali.quality.measures import share
from datos_cali.quality.model import Criterion, Score
from datos_cali.reading.headers import normalize

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

STANDARDS = {
    "fechas": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?$",
    "enlaces": r"^https?://[^\s]+$",
    "correos": r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$",
    "codigos_dane": r"^([0-9]{5}|[0-9]{8}|[0-9]{12})$",
}
URL_WORDS = frozenset({"enlace", "url", "link", "vinculo", "web"})
EMAIL_WORDS = frozenset({"correo", "email", "mail"})
DANE_WORDS = frozenset({"dane", "divipola"})

CRITERION = Criterion(
    id="conformidad",
    name="Conformidad",
    definition="Que los valores sigan los formatos estándar: fechas ISO 8601 (aaaa-mm-dd), "
    "códigos DIVIPOLA/DANE, correos y enlaces válidos.",
    formula=(
        "10·(valores en formato estándar / valores revisados) sobre las columnas de fechas, "
        "enlaces, correos y códigos DANE, tal como llegaron; 10 si no hay ninguna"
    ),
    formula_version="1-provisional",
    provisional=True,
    kind=Kind.QUALITY,
)


def _standard(ctx: QualityContext, column: str) -> str | None:
    if ctx.kind(column) in ("date", "datetime"):
        return "fechas"
    words = set(normalize(column).split())
    doc = ctx.dataset.columns.get(column)
    if (doc and doc.portal_type == PortalType.URL) or words & URL_WORDS:
        return "enlaces"
    if words & EMAIL_WORDS:
        return "correos"
    if words & DANE_WORDS:
        return "codigos_dane"
    return None


def evaluate(ctx: QualityContext) -> Score:
    counts = {name: [0, 0] for name in STANDARDS}  # [conforming, checked]
    for column in ctx.frame.columns:
        standard = _standard(ctx, column)
        view = ctx.raw_view(column)
        if standard is None or view is None:
            continue
        trimmed = pc.utf8_trim_whitespace(view.values)
        filled = np.asarray(pc.fill_null(pc.not_equal(trimmed, ""), False), dtype=bool)
        good = np.asarray(
            pc.fill_null(pc.match_substring_regex(trimmed, STANDARDS[standard]), False),
            dtype=bool,
        )
        weights = view.counts()[:-1] if view.repetitive else 1  # rows holding each text
        counts[standard][0] += int(((good & filled) * weights).sum())
        counts[standard][1] += int((filled * weights).sum())
    conforming = sum(c[0] for c in counts.values())
    checked = sum(c[1] for c in counts.values())
    evidence = {}
    for name, (ok, seen) in counts.items():
        evidence[f"{name}_revisados"] = seen
        evidence[f"{name}_estandar"] = ok
    return ctx.score(CRITERION, 10 * share(conforming, checked), evidence)
