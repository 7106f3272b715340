"""What office software leaves in cells besides data: Excel's error values and the organismo's
own «no data» markers.

- Excel error values («#N/D», «#¡VALOR!», «#REF!»…, in Spanish and English Excel) are the
  result of a broken formula exported as text. They are never data: the contract reads them as
  empty and the review code `valor_de_error_excel` names the columns that have them.
- `reading.null_markers` in the catalog lists the values an organismo writes for «no data»
  («.», «N.A.»…): read as empty in every column, case-insensitively, spaces trimmed.
- Excel's accounting-format zero (« -   ») is handled by the number parser
  (`datos_cali.reading.values.parse_number`): a lone dash in a numeric column is 0.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Spanish and English Excel; «¡»/«¿» optional, any case.
EXCEL_ERROR = (
    r"(?i)^\s*#(?:N/[AD]!?|¡?VALOR!|VALUE!|¡?REF!|¡?DIV/0!|NAME\?|¿?NOMBRE\?|¡?NUM!|NULL!"
    r"|¡?NULO!|SPILL!|¡?DESBORDAMIENTO!|¡?CALC!|GETTING_DATA|OBTENIENDO_DATOS|¡?CAMPO!|FIELD!"
    r"|BLOCKED!|¡?BLOQUEADO!|CONNECT!|¡?CONECTAR!|BUSY!|UNKNOWN!|¡?DESCONOCIDO!)\s*$"
)


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def may_hold_errors(values: pa.Array) -> np.ndarray | None:
    """A quick vectorised test before the pattern: an error value starts with «#» (or with
    spaces, which few cells do). None when no value can be one (the usual case: no copies)."""
    maybe = pc.or_(pc.starts_with(values, "#"), pc.starts_with(values, " "))
    if not pc.any(maybe).as_py():
        return None
    return _mask(maybe)


def excel_errors(values: pa.Array) -> np.ndarray:
    """Per value: is it an Excel error value?"""
    maybe = may_hold_errors(values)
    found = np.zeros(len(values), dtype=bool)
    if maybe is None:
        return found
    rows = np.flatnonzero(maybe)
    found[rows] = _mask(pc.match_substring_regex(values.take(pa.array(rows)), EXCEL_ERROR))
    return found


def null_markers(values: pa.Array, markers: list[str]) -> np.ndarray:
    """Per value: is it one of the catalog's «no data» markers (trimmed, any case)?"""
    if not markers:
        return np.zeros(len(values), dtype=bool)
    folded = pa.array(sorted({m.strip().casefold() for m in markers}), pa.string())
    return _mask(pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(values)), value_set=folded))


def blank_out(values: pa.Array, markers: list[str]) -> pa.Array:
    """`values` with Excel error values and «no data» markers as nulls (no copy when none)."""
    gone = excel_errors(values) | null_markers(values, markers)
    if not gone.any():
        return values
    return pc.if_else(pa.array(gone), pa.scalar(None, values.type), values)
