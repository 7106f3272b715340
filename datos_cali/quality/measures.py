"""Measurements several criteria share, each computed one way only.

Metadata completeness feeds Credibilidad and Recuperabilidad; the null mask feeds Completitud
(and through it Portabilidad and Eficiencia); freshness feeds Actualidad and the «desactualizado»
review code. Keeping them here is what keeps those numbers from disagreeing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from datos_cali.catalog.models import Dataset
from datos_cali.reading.headers import strip_accents
from datos_cali.reading.table import PROBE_ROWS, Distinct

if TYPE_CHECKING:
    from datos_cali.quality.context import QualityContext

# Text that stands for «no value» in office exports; counted as empty by Completitud
# (compared trimmed, in lower case, with or without accents).
PLACEHOLDERS = (
    "", "-", "--", "n/a", "na", "n.a.", "nd", "n.d.", "null", "none", "nan", "s/i", "sd",
    "sin dato", "sin datos", "sin información", "no reporta", "no registra",
)  # fmt: skip
_PLACEHOLDER_SET = pa.array(sorted({p for v in PLACEHOLDERS for p in (v, strip_accents(v))}))

MIN_DESCRIPTION_WORDS = 3  # a column description shorter than this does not describe anything


# A placeholder, trimmed, is empty or starts with one of these letters: a long column is only
# lowered where a cell could be one (an identifier column never is), not copied whole twice.
_FIRST = "".join(sorted({p[0] for p in _PLACEHOLDER_SET.to_pylist() if p}))
_MAYBE_PLACEHOLDER = r"^[\s\x{0b}\x{85}\p{Z}]*(?:$|[" + re.escape(_FIRST + _FIRST.upper()) + "])"


def _placeholders(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if len(values) <= PROBE_ROWS:
        return _lowered_placeholders(values)
    maybe = pc.fill_null(pc.match_substring_regex(values, _MAYBE_PLACEHOLDER), False)
    maybe = np.asarray(maybe.to_numpy(zero_copy_only=False), dtype=bool)
    found = np.zeros(len(values), dtype=bool)
    if maybe.any():
        rows = np.flatnonzero(maybe)
        found[rows] = _lowered_placeholders(values.take(pa.array(rows)))
    return found


def _lowered_placeholders(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(values))
    found = pc.fill_null(pc.is_in(lowered, value_set=_PLACEHOLDER_SET), False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def empty_counts(frame, views: dict[str, Distinct] | None = None) -> np.ndarray:
    """Empty cells per column: null, or a placeholder («SIN INFORMACIÓN», «N/A», «-»; compared
    trimmed, in lower case). Columns with a distinct view are counted on their distinct values."""
    views = views or {}
    counts = np.zeros(len(frame.columns), dtype=np.int64)
    for i, column in enumerate(frame.columns):
        view = views.get(column)
        if view is not None:
            text = pa.types.is_string(view.values.type) or pa.types.is_large_string(
                view.values.type
            )
            occurrences = view.counts()
            empty = _placeholders(view.values) if text else np.zeros(len(view.values), bool)
            counts[i] = int(occurrences[:-1][empty].sum() + occurrences[-1])
            continue
        empty = frame[column].isna().to_numpy(dtype=bool, copy=True)
        if str(frame[column].dtype).startswith("string"):
            empty |= _placeholders(pa.array(frame[column], type=pa.string()))
        counts[i] = int(empty.sum())
    return counts


def _url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(("http://", "https://"))


def metadata_fields(dataset: Dataset) -> dict[str, bool]:
    """The portal metadata a reviewer expects filled, field by field."""
    meta = dataset.metadata
    return {
        "titulo": bool(dataset.title.strip()),
        "descripcion": len(dataset.description.split()) >= 10,
        "categoria": bool(meta.category.strip()),
        "etiquetas": bool(meta.tags),
        "licencia": bool(meta.license.strip()),
        "atribucion": bool(meta.attribution.strip()),
        "sector": bool(meta.entity.sector.strip()),
        "dependencia": bool(meta.entity.area.strip()),
        "departamento": bool(meta.entity.departamento.strip()),
        "municipio": bool(meta.entity.municipio.strip()),
        "cobertura_geografica": bool(meta.data.cobertura_geografica.strip()),
        "idioma": bool(meta.data.idioma.strip()),
        "fecha_emision": meta.data.fecha_emision is not None,
        "frecuencia": dataset.frequency is not None,
        "url_documentacion": _url(meta.data.url_documentacion),
        "url_normativa": _url(meta.data.url_normativa),
    }


def metadata_share(dataset: Dataset) -> float:
    fields = metadata_fields(dataset)
    return sum(fields.values()) / len(fields)


def described_columns(ctx: QualityContext) -> tuple[int, int]:
    """(columns with a real description in the catalog, columns in the contract)."""
    described = 0
    for column in ctx.contract.columns:
        doc = ctx.dataset.columns.get(column)
        if doc and len(doc.description.split()) >= MIN_DESCRIPTION_WORDS:
            described += 1
    return described, len(ctx.contract.columns)


@dataclass(frozen=True)
class Freshness:
    reference: dt.date  # the last update known
    from_publication: bool  # True: the last publication; False: the catalog's fecha_emision
    days: int  # days from `reference` to now
    period_days: int | None  # the declared frequency in days; None = never refreshed

    @property
    def stale(self) -> bool:
        return self.period_days is not None and self.days > self.period_days


def freshness(ctx: QualityContext) -> Freshness:
    """How old the data is against its declared frequency.

    The flows pass the last confirmed publication (`last_updated`). The pre-check has none: it
    measures the catalog's «fecha_emision», the date the office declares the data was issued,
    so an organismo sees before sending whether the catalog still promises fresher data.
    """
    if ctx.last_updated is not None:
        reference, from_publication = _date(ctx.last_updated), True
    else:
        reference, from_publication = ctx.dataset.metadata.data.fecha_emision, False
    period = ctx.dataset.frequency.period
    return Freshness(
        reference=reference,
        from_publication=from_publication,
        days=(_date(ctx.now) - reference).days,
        period_days=period.days if period else None,
    )


def _date(moment: dt.datetime | dt.date) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def share(part: float, whole: float, *, empty: float = 1.0) -> float:
    """part/whole, with a declared value when there is nothing to measure."""
    return part / whole if whole else empty


def categorical(
    values: pd.Series | None, *, limit: int = 1000, view: Distinct | None = None
) -> bool:
    """A column of categories (few distinct values that repeat), not free text or identifiers.

    With the column's distinct view the answer comes from its counts; without one, a long
    column whose first rows already hold more than `limit` values is not one (exact: the
    whole column has at least as many), which spares counting millions of identifiers.
    """
    if view is not None:
        counts = view.counts()[:-1]
        present, distinct = int(counts.sum()), int((counts > 0).sum())
        return bool(present) and distinct <= limit and distinct <= max(1, present // 2)
    if len(values) > PROBE_ROWS and values.iloc[:PROBE_ROWS].nunique() > limit:
        return False
    present = values.dropna()
    if present.empty:
        return False
    distinct = present.nunique()
    return distinct <= limit and distinct <= max(1, len(present) // 2)


def value_counts(view: Distinct) -> pd.Series:
    """`Series.value_counts()` of a column from its distinct view: the same index, counts and
    order (values in order of first appearance, then pandas' own sort by count)."""
    counts = view.counts()[:-1]
    used = counts > 0
    index = pd.Index(view.values.filter(pa.array(used)).to_pylist())
    return pd.Series(counts[used], index=index, name="count").sort_values(ascending=False)


def rows_holding(values: pd.Series | None, view: Distinct | None, chosen: list) -> np.ndarray:
    """Per-row mask of the cells holding one of `chosen`: looked up once per distinct value
    when the column has a view, else over `values`."""
    if view is not None:
        return view.rows_where(np.isin(np.asarray(view.values.to_pylist(), object), chosen))
    return values.isin(chosen).fillna(False).to_numpy(dtype=bool)
