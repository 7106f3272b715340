"""Text cells to typed Arrow arrays, vectorised, reporting every cell that would not convert.

Nothing becomes a silent null: a non-blank cell that is not a number, or a date that does not
exist (31/02/2021), is marked in `Parsed.invalid` / `Parsed.impossible` for the contract step
to report with its row number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Array = pa.Array | pa.ChunkedArray


@dataclass
class Parsed:
    values: pa.Array
    invalid: np.ndarray  # bool per row: not blank, not convertible
    impossible: np.ndarray | None = None  # bool per row: a date shape that names no real day


def _mask(array: Array) -> np.ndarray:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _flat(array: Array) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def clean_text(array: Array) -> pa.Array:
    """Trimmed text, blanks as null (the input itself when nothing needs either: no copy)."""
    flat = _flat(array)
    trimmed = pc.utf8_trim_whitespace(flat)
    blank = pc.equal(trimmed, "")
    if pc.any(blank).as_py():
        return pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
    if pc.sum(pc.binary_length(trimmed)).as_py() == pc.sum(pc.binary_length(flat)).as_py():
        return flat
    return trimmed


def parse_text(array: Array) -> Parsed:
    values = clean_text(array)
    return Parsed(values, np.zeros(len(values), dtype=bool))


# --- numbers ----------------------------------------------------------------------------------

_NOISE = r"(?i)cop|us\$|\$|%|\s|\x{00a0}|\+"
_SHAPE = r"^-?[0-9][0-9.,]*([eE][+-]?[0-9]+)?$|^-?[.,][0-9]+$"
_PLAIN = r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def _decimal_separator(cleaned: pa.Array, hint: str) -> str:
    """Which of `.` and `,` is the decimal mark in this column (the other groups thousands)."""
    has_dot = pc.match_substring(cleaned, ".")
    has_comma = pc.match_substring(cleaned, ",")
    both = pc.and_(has_dot, has_comma)
    if pc.any(both).as_py():
        comma_last = pc.match_substring_regex(pc.filter(cleaned, both), r",[0-9]*$")
        return "," if pc.mean(pc.cast(comma_last, pa.int8())).as_py() >= 0.5 else "."
    for mark, present in ((",", has_comma), (".", has_dot)):
        if not pc.any(present).as_py():
            continue
        with_mark = pc.filter(cleaned, present)
        escaped = "\\" + mark
        grouped = pc.all(
            pc.match_substring_regex(with_mark, rf"^-?[0-9]{{1,3}}({escaped}[0-9]{{3}})+$")
        ).as_py()
        repeated = pc.any(pc.match_substring_regex(with_mark, rf"{escaped}.*{escaped}")).as_py()
        if repeated or (grouped and hint != mark):
            return "." if mark == "," else ","
        return mark
    return hint


# Excel's accounting format writes zero as a dash padded with spaces (« -   »); in a numeric
# column a lone dash is that zero (a catalog that means «no data» by it lists it in
# `reading.null_markers`, which are read first).
ACCOUNTING_ZERO = "-"
INT64_MAX = str(2**63 - 1)  # 9223372036854775807; the minimum is −(INT64_MAX + 1)


def parse_number(
    array: Array, *, integer: bool, decimal_hint: str = ".", decimal: str | None = None
) -> Parsed:
    """Plain, grouped, money («$ 1.234.567»), decimal-comma numbers and Excel's accounting zero."""
    text = clean_text(array)
    if pc.any(pc.equal(text, ACCOUNTING_ZERO)).as_py():
        text = pc.if_else(pc.equal(text, ACCOUNTING_ZERO), "0", text)
    blank = pc.is_null(text)
    cleaned = pc.replace_substring_regex(text, _NOISE, "")
    parenthesised = pc.match_substring_regex(cleaned, r"^\(.*\)$")
    cleaned = pc.if_else(
        parenthesised, pc.binary_join_element_wise("-", pc.utf8_trim(cleaned, "()"), ""), cleaned
    )
    shaped = pc.match_substring_regex(cleaned, _SHAPE)
    mark = decimal or _decimal_separator(
        pc.filter(cleaned, pc.fill_null(shaped, False)), decimal_hint
    )
    group = "," if mark == "." else "."
    normal = pc.replace_substring(cleaned, group, "")
    if mark == ",":
        normal = pc.replace_substring(normal, ",", ".")
    ok = pc.fill_null(pc.and_(shaped, pc.match_substring_regex(normal, _PLAIN)), False)
    if integer:
        whole = pc.replace_substring_regex(normal, r"\.0*$", "")
        whole = pc.replace_substring_regex(whole, r"^(-?)0+([0-9])", r"\1\2")
        ok = pc.and_(ok, _fits_int64(whole))
        values = pc.cast(pc.if_else(ok, whole, pa.scalar(None, pa.string())), pa.int64())
    else:
        values = pc.cast(pc.if_else(ok, normal, pa.scalar(None, pa.string())), pa.float64())
    invalid = _mask(pc.and_(pc.invert(blank), pc.invert(ok)))
    return Parsed(values, invalid)


def _fits_int64(whole: pa.Array) -> pa.Array:
    """Integers within int64, exactly: up to 18 digits always; 19 digits when they do not pass
    ±9223372036854775807 (−9223372036854775808 included). Same-length digit strings compare
    like the numbers they write."""
    short = pc.match_substring_regex(whole, r"^-?[0-9]{1,18}$")
    positive = pc.and_(
        pc.match_substring_regex(whole, r"^[0-9]{19}$"), pc.less_equal(whole, INT64_MAX)
    )
    lowest = str(int(INT64_MAX) + 1)
    negative = pc.and_(
        pc.match_substring_regex(whole, r"^-[0-9]{19}$"),
        pc.less_equal(pc.utf8_slice_codeunits(whole, 1), lowest),
    )
    return pc.or_(short, pc.or_(positive, negative))


# --- dates ------------------------------------------------------------------------------------

_MONTHS = {
    "01": "enero|ene|jan|january",
    "02": "febrero|feb|february",
    "03": "marzo|mar|march",
    "04": "abril|abr|apr|april",
    "05": "mayo|may",
    "06": "junio|jun|june",
    "07": "julio|jul|july",
    "08": "agosto|ago|aug|august",
    "09": "septiembre|setiembre|sept|sep|set|september",
    "10": "octubre|oct|october",
    "11": "noviembre|nov|november",
    "12": "diciembre|dic|dec|december",
}
_TIME = r"(?:[ tT](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?\s*(?P<ampm>[ap]\.?\s?m\.?)?)?"
_PATTERNS = (
    rf"^(?P<y>[0-9]{{4}})-(?P<m>[0-9]{{1,2}})-(?P<d>[0-9]{{1,2}}){_TIME}(?:Z|[+-][0-9]{{2}}:?[0-9]{{2}})?$",
    rf"^(?P<d>[0-9]{{1,2}})[/.-](?P<m>[0-9]{{1,2}})[/.-](?P<y>[0-9]{{4}}|[0-9]{{2}}){_TIME}$",
    rf"^(?P<y>[0-9]{{4}})/(?P<m>[0-9]{{1,2}})/(?P<d>[0-9]{{1,2}}){_TIME}$",
    r"^(?P<y>[0-9]{4})[-/](?P<m>[0-9]{1,2})$",
    r"^(?P<m>[0-9]{1,2})[/-](?P<y>[0-9]{4})$",
)


def _spell_months(text: pa.Array) -> pa.Array:
    """«15 de marzo de 2021», «15-mar-2021», «marzo de 2021» → «15/03/2021», «03/2021»."""
    text = pc.utf8_lower(text)
    text = pc.replace_substring_regex(pc.utf8_normalize(text, "NFKD"), r"\p{Mn}", "")
    text = pc.replace_substring_regex(text, r"\s*,?\s+del?\s+|\s*,\s*", "/")
    for number, names in _MONTHS.items():
        text = pc.replace_substring_regex(text, rf"\b({names})\b\.?", number)
    text = pc.replace_substring_regex(
        pc.utf8_trim_whitespace(text), r"\s+([0-9]{1,2}:[0-9])", r"t\1"
    )
    return pc.replace_substring_regex(text, r"\s+", "/")


def _ints(struct: pa.StructArray, name: str, default: int) -> np.ndarray:
    if name not in [f.name for f in struct.type]:
        return np.full(len(struct), default, dtype=np.int64)
    field = pc.struct_field(struct, name)
    field = pc.if_else(pc.equal(field, ""), pa.scalar(None, pa.string()), field)
    return np.asarray(pc.fill_null(pc.cast(field, pa.int64()), default).to_numpy(), np.int64)


def _extract_dates(candidates: pa.Array) -> tuple[np.ndarray, ...]:
    """Year, month, day, hour, minute, second, pm and found, trying each pattern in turn on
    the values no earlier pattern matched (most files use one format: one pass)."""
    n = len(candidates)
    found = np.zeros(n, dtype=bool)
    parts = {name: np.zeros(n, np.int64) for name in ("y", "m", "d", "H", "M", "S")}
    parts["m"][:] = 1
    parts["d"][:] = 1
    pm = np.zeros(n, dtype=bool)
    pending = np.flatnonzero(_mask(pc.is_valid(candidates)))
    lowered = pc.utf8_lower(candidates)
    for pattern in _PATTERNS:
        if not len(pending):
            break
        subset = lowered if len(pending) == n else lowered.take(pa.array(pending))
        struct = pc.extract_regex(subset, pattern)
        hit = _mask(pc.is_valid(struct))
        if not hit.any():
            continue
        rows = pending[hit]
        names = [f.name for f in struct.type]
        for name, target in parts.items():
            defaults = {"m": 1, "d": 1}
            if name in names:
                target[rows] = _ints(struct, name, defaults.get(name, 0))[hit]
        if "ampm" in names:
            ampm = pc.fill_null(pc.struct_field(struct, "ampm"), "")
            pm[rows] = _mask(pc.starts_with(ampm, "p"))[hit]
        found[rows] = True
        pending = pending[~hit]
    return parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"], pm, found


def parse_date(array: Array, *, with_time: bool = False) -> Parsed:
    """ISO, dd/mm/yyyy, yyyy/mm/dd, month names, year-month; validated against the calendar."""
    text = clean_text(array)
    n = len(text)
    blank = _mask(pc.is_null(text))
    worded = _mask(pc.match_substring_regex(text, r"[A-Za-zÁÉÍÓÚáéíóú]{3}"))
    worded &= ~_mask(pc.match_substring_regex(text, r"^[0-9-]+T[0-9:]"))
    candidates = text
    if worded.any():  # spell out month names only where there are letters
        rows = np.flatnonzero(worded)
        spelled = _spell_months(text.take(pa.array(rows)))
        candidates = pc.replace_with_mask(text, pa.array(worded), spelled)
    y, m, d, hh, mm, ss, pm, found = _extract_dates(candidates)

    y = np.where((y < 100) & found, np.where(y <= 68, 2000 + y, 1900 + y), y)
    hh = np.where(pm & (hh < 12), hh + 12, hh)
    real = found & (m >= 1) & (m <= 12) & (y >= 1800) & (y <= 2200) & (d >= 1)
    real &= (hh < 24) & (mm < 60) & (ss < 60)
    month_start = np.zeros(n, dtype="datetime64[M]")
    month_start[real] = ((y[real] - 1970) * 12 + (m[real] - 1)).astype("datetime64[M]")
    days_in_month = (
        (month_start + 1).astype("datetime64[D]") - month_start.astype("datetime64[D]")
    ).astype(np.int64)
    real &= d <= days_in_month
    days = month_start.astype("datetime64[D]") + (d - 1)

    if with_time:
        stamp = days.astype("datetime64[s]") + (hh * 3600 + mm * 60 + ss)
        values = pa.array(stamp.astype("datetime64[ms]"), pa.timestamp("ms"), mask=~real)
    else:
        values = pa.array(days, pa.date32(), mask=~real)
    impossible = found & ~real
    invalid = ~blank & ~real & ~impossible
    return Parsed(values, invalid, impossible)


# --- booleans ---------------------------------------------------------------------------------

_TRUE = ["si", "sí", "s", "true", "verdadero", "v", "1", "x", "yes"]
_FALSE = ["no", "n", "false", "falso", "f", "0"]


def parse_bool(array: Array) -> Parsed:
    text = pc.utf8_lower(clean_text(array))
    is_true = pc.is_in(text, pa.array(_TRUE))
    is_false = pc.is_in(text, pa.array(_FALSE))
    known = pc.or_(is_true, is_false)
    values = pc.if_else(known, is_true, pa.scalar(None, pa.bool_()))
    invalid = _mask(pc.and_(pc.is_valid(text), pc.invert(known)))
    return Parsed(values, invalid)
