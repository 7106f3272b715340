"""`RawTable`, the reader's output, and `read_table`, which picks the right reader for the bytes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datos_cali import messages
from datos_cali.findings import Finding, Kind, Severity
from datos_cali.reading.headers import normalize
from datos_cali.reading.sniff import ReadError
from datos_cali.spanish import agree

__all__ = ["RawTable", "ReadError"]


PROBE_ROWS = 20_000
REPETITIVE = 0.2  # distinct values per probed row below which a column counts as repetitive


@dataclass
class Distinct:
    """A column as its distinct values plus, for repetitive columns, each row's index into them.

    Checks that look at text (regexes, lookups) run on `values` and are expanded to rows with
    `rows_where`, and statistics come from `counts()`, so a 5-million-row column with 300
    distinct dates costs 300 evaluations. `indices` holds `len(values)` for a null cell. A view
    may also be a recoding of another (`recode`): the typed values of a column's distinct raw
    texts, whose row indices are only built if someone asks for them.
    """

    values: pa.Array
    indices: np.ndarray | None  # None: `values` is the column itself (no repetition to exploit)
    _base: Distinct | None = field(default=None, repr=False)
    _mapping: np.ndarray | None = field(default=None, repr=False)  # base value → our value
    _counts: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self._base is not None:
            self.indices = None  # built lazily from the base, see `row_indices`

    @property
    def repetitive(self) -> bool:
        return self._base is not None or self.indices is not None

    def row_indices(self) -> np.ndarray | None:
        """Each row's position in `values` (`len(values)` = null); None for a plain column."""
        if self._base is not None and self.indices is None:
            base = self._base.row_indices()
            self.indices = np.append(self._mapping, len(self.values)).astype(np.int32)[base]
        return self.indices

    def rows_where(self, mask_of_values: np.ndarray, *, nulls: bool = False) -> np.ndarray:
        """Per-row mask from a mask over `values`; null cells take `nulls`."""
        if self._base is not None:
            ext = np.append(mask_of_values, nulls)[np.append(self._mapping, len(self.values))]
            return self._base.rows_where(ext[:-1], nulls=bool(ext[-1]))
        if self.indices is None:
            if nulls:
                missing = self.values.is_null().to_numpy(zero_copy_only=False)
                return np.asarray(mask_of_values, dtype=bool) | np.asarray(missing, dtype=bool)
            return mask_of_values
        return np.append(mask_of_values, nulls)[self.indices]

    def counts(self) -> np.ndarray:
        """Rows holding each value, plus the null rows last (`len(values) + 1` entries)."""
        if self._counts is None:
            size = len(self.values) + 1
            if self._base is not None:
                base = self._base.counts()
                mapped = np.bincount(self._mapping, weights=base[:-1], minlength=size)
                mapped[-1] += base[-1]
                self._counts = mapped.astype(np.int64)
            elif self.indices is None:
                valid = np.asarray(
                    self.values.is_valid().to_numpy(zero_copy_only=False), dtype=bool
                )
                self._counts = np.append(valid, 0).astype(np.int64)
                self._counts[-1] = len(valid) - int(valid.sum())
            else:
                self._counts = np.bincount(self.indices, minlength=size).astype(np.int64)
        return self._counts

    def recode(self, parsed: pa.Array) -> Distinct:
        """The view of `parsed` (one value per entry of `values`, e.g. typed) with its equal
        values merged; rows are never touched (only `values`-sized work)."""
        encoded = pc.dictionary_encode(parsed)
        unique = encoded.dictionary
        mapping = pc.fill_null(encoded.indices, len(unique)).to_numpy(zero_copy_only=False)
        return Distinct(unique, None, _base=self, _mapping=np.asarray(mapping, np.int32))


def expand(values: pa.Array, indices: np.ndarray) -> pa.Array:
    """`values[indices]`, null where an index is `len(values)` (a null cell)."""
    with_null = pa.concat_arrays([values, pa.nulls(1, values.type)])
    return with_null.take(pa.array(indices))


def dictionary_view(column: pa.ChunkedArray | pa.Array) -> Distinct:
    """The Distinct of a dictionary-encoded column (one index array, the chunks' dictionaries
    unified), dropping dictionary entries no row uses (blank records removed, a header the
    reader parsed as a first row)."""
    chunks = column.unify_dictionaries().chunks if isinstance(column, pa.ChunkedArray) else [column]
    if not chunks:
        return Distinct(pa.array([], column.type.value_type), np.empty(0, np.int32))
    dictionary = chunks[0].dictionary
    size = len(dictionary)
    indices = np.empty(sum(len(chunk) for chunk in chunks), dtype=np.int32)
    start = 0
    for chunk in chunks:
        part = pc.fill_null(chunk.indices, size) if chunk.null_count else chunk.indices
        indices[start : start + len(chunk)] = part.to_numpy(zero_copy_only=False)
        start += len(chunk)
    del chunks
    counts = np.bincount(indices, minlength=size + 1)
    used = counts[:size] > 0
    if used.all():
        return Distinct(dictionary, narrow(indices, size), _counts=counts)
    remap = np.append(np.cumsum(used, dtype=np.int32) - 1, int(used.sum())).astype(np.int32)
    np.take(remap, indices, out=indices)
    values = dictionary.filter(pa.array(used))
    counts = np.append(counts[:size][used], counts[size])
    return Distinct(values, narrow(indices, len(values)), _counts=counts)


def narrow(indices: np.ndarray, size: int) -> np.ndarray:
    """The indices in the smallest signed type that holds `size` (the null index): a column of
    a few dozen values needs one byte a row, not four."""
    for dtype in (np.int8, np.int16):
        if size < np.iinfo(dtype).max:
            return indices.astype(dtype)
    return indices


def _as_dictionary(view: Distinct) -> pa.DictionaryArray:
    """The view as a dictionary array sharing its index buffer (null cells stay null)."""
    nulls = view.indices == len(view.values) if view.counts()[-1] else None
    indices = pa.array(view.indices, mask=nulls)
    return pa.DictionaryArray.from_arrays(indices, view.values)


def release_memory() -> None:
    """Hand the memory Arrow's allocator keeps from freed temporaries back to the system.

    The allocator keeps freed blocks for reuse; after a step that made big temporaries (the
    parser's blocks, a column's text before it was dictionary-encoded) that memory would
    otherwise count against the peak while the next step allocates its own.
    """
    pa.default_memory_pool().release_unused()


def is_dictionary(column: pa.ChunkedArray | pa.Array) -> bool:
    return pa.types.is_dictionary(column.type)


def as_text(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Plain text cells, whatever the reader stored (dictionary-encoded or not)."""
    return column.cast(pa.string()) if is_dictionary(column) else column


@dataclass
class RawTable:
    """Cells as text, one positional column per header, plus where each record sits in the file.

    The CSV reader keeps repetitive columns dictionary-encoded (about 4 bytes a cell instead of
    the text); `column(position)` always gives plain text, and `distinct(position)` the view
    every check that reads text should use.
    """

    headers: list[str]
    columns: list[pa.ChunkedArray]
    row_numbers: np.ndarray  # 1-based file row of each record; the header is row 1
    source_format: str  # "csv" | "xlsx"
    decimal_hint: str  # "," when the file came from a Spanish-locale export
    encoding: str | None = None
    delimiter: str | None = None
    findings: list[Finding] = field(default_factory=list)

    _distinct: dict[int, Distinct] = field(default_factory=dict, repr=False)
    # The analysis reads the table from two threads (personal data and the contract).
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _locks: dict[int, threading.Lock] = field(default_factory=dict, repr=False, compare=False)

    @property
    def num_rows(self) -> int:
        return len(self.row_numbers)

    def distinct(self, position: int) -> Distinct:
        """The column's distinct values (computed once per column and cached; thread-safe)."""
        if position in self._distinct:
            return self._distinct[position]
        with self._lock:
            lock = self._locks.setdefault(position, threading.Lock())
        with lock:
            return self._distinct_locked(position)

    def _distinct_locked(self, position: int) -> Distinct:
        if position not in self._distinct:
            column = self.columns[position]
            if is_dictionary(column):
                view = dictionary_view(column)
                if len(view.indices) <= PROBE_ROWS or (
                    len(np.unique(view.indices[:PROBE_ROWS])) > PROBE_ROWS * REPETITIVE
                ):  # the rule plain columns follow below, so both agree on what repeats
                    view = Distinct(expand(view.values, view.indices), None)
                    self.columns[position] = pa.chunked_array([view.values])
                else:  # keep one copy of the indices: the view's
                    self.columns[position] = pa.chunked_array([_as_dictionary(view)])
                self._distinct[position] = view
                return view
            flat = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
            self.columns[position] = pa.chunked_array([flat])  # combined once, not held twice
            probe = flat.slice(0, PROBE_ROWS)
            repetitive = len(flat) > PROBE_ROWS and (
                pc.count_distinct(probe).as_py() <= len(probe) * REPETITIVE
            )
            if repetitive:
                encoded = pc.dictionary_encode(flat)
                indices = pc.fill_null(encoded.indices, len(encoded.dictionary))
                self._distinct[position] = Distinct(
                    encoded.dictionary,
                    narrow(indices.to_numpy(zero_copy_only=False), len(encoded.dictionary)),
                )
            else:
                self._distinct[position] = Distinct(flat, None)
        return self._distinct[position]

    def matches(self, position: int, regex: str) -> np.ndarray:
        """Per-row mask of cells matching `regex` (RE2), evaluated once per distinct value."""
        view = self.distinct(position)
        found = pc.fill_null(pc.match_substring_regex(view.values, regex), False)
        return view.rows_where(np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool))

    def column(self, position: int) -> pa.ChunkedArray:
        """The cells as plain text (decoded when the reader kept them dictionary-encoded)."""
        return as_text(self.columns[position])


def finish(raw: RawTable) -> RawTable:
    """Shared tidy-up: drop empty unnamed columns and blank records; check the header."""
    _drop_empty_unnamed_columns(raw)
    _drop_blank_records(raw)
    _check_headers(raw)
    return raw


def _is_blank(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.fill_null(pc.equal(pc.utf8_trim_whitespace(as_text(column)), ""), True)


def _drop_empty_unnamed_columns(raw: RawTable) -> None:
    keep_headers, keep_columns, dropped = [], [], 0
    for position, (header, column) in enumerate(zip(raw.headers, raw.columns, strict=True), 1):
        if header:
            keep_headers.append(header)
            keep_columns.append(column)
        elif pc.all(_is_blank(column)).as_py() is not False:
            dropped += 1
        else:
            raw.findings.append(
                Finding(
                    kind=Kind.STRUCTURE,
                    code="encabezado_vacio",
                    message=messages.STRUCTURE_EMPTY_HEADER.format(position=position),
                    column=f"#{position}",
                )
            )
            keep_headers.append(f"columna_{position}")
            keep_columns.append(column)
    raw.headers, raw.columns = keep_headers, keep_columns
    raw._distinct.clear()
    if dropped and raw.source_format == "csv":
        raw.findings.append(
            Finding(
                kind=Kind.STRUCTURE,
                code="columnas_vacias_ignoradas",
                severity=Severity.INFO,
                count=dropped,
                message=agree(messages.STRUCTURE_DROPPED_EMPTY_COLUMNS, dropped),
            )
        )


def _blank_rows(raw: RawTable, position: int) -> np.ndarray | None:
    """Per-row blank mask, or None when no cell of the column is blank."""
    column = raw.columns[position]
    if is_dictionary(column):
        view = raw.distinct(position)
        if view.repetitive:
            blank = np.asarray(_is_blank(view.values).to_numpy(zero_copy_only=False), dtype=bool)
            if not blank.any() and view.counts()[-1] == 0:
                return None
            return view.rows_where(blank, nulls=True)
        column = view.values
    elif isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    blank = np.asarray(_is_blank(column).to_numpy(zero_copy_only=False), dtype=bool)
    return blank if blank.any() else None


def _drop_blank_records(raw: RawTable) -> None:
    """A record is blank when every cell is: one column without blanks settles it, so the
    dictionary-encoded columns (cheap to test) go first."""
    if not raw.columns:
        return
    order = sorted(range(len(raw.columns)), key=lambda p: not is_dictionary(raw.columns[p]))
    blank: np.ndarray | None = None
    for position in order:
        found = _blank_rows(raw, position)
        if found is None:
            return
        blank = found if blank is None else blank & found
        if not blank.any():
            return
    keep = pa.array(~blank)
    raw.columns = [column.filter(keep) for column in raw.columns]
    raw.row_numbers = raw.row_numbers[~blank]
    raw._distinct.clear()


def _check_headers(raw: RawTable) -> None:
    seen: dict[str, list[int]] = {}
    for position, header in enumerate(raw.headers, 1):
        seen.setdefault(normalize(header), []).append(position)
    for positions in seen.values():
        if len(positions) > 1:
            raw.findings.append(
                Finding(
                    kind=Kind.STRUCTURE,
                    code="encabezado_repetido",
                    column=raw.headers[positions[0] - 1],
                    count=len(positions),
                    message=messages.STRUCTURE_DUPLICATE_HEADER.format(
                        header=raw.headers[positions[0] - 1],
                        count=len(positions),
                        positions=", ".join(map(str, positions)),
                    ),
                )
            )
