"""Scan every column of a submission, as sent, for personal data: by its name and by its values.

All columns are scanned, including the ones the contract does not know (their personal data
never leaves — they are not published — but the organismo is told). Every text column is read
for every kind of personal data, whatever its name. A column the contract types as a number or
an amount is read only for phones, and only when its name or its formatting says phone
(«Teléfono», «311 234 5678»): 3000000000 pesos are not a mobile. The same holds for a column of
plain numbers outside the contract, unless most of its values are phones. Dates and booleans
are not read by value. Work is vectorised over whole columns with `pyarrow.compute` (RE2) and
Python only sees the few values a regex matched. A repetitive column (few distinct values, like
«sexo» or «comuna») is read once per distinct value instead of once per row.

1. **Prefilter, every row.** One RE2 pass keeps the cells that have five digits in a row, a
   grouped number, a phone in groups, an @ or «arroba», a dash between digits, a street word
   before a number or a document word before a number. Every number-, e-mail- and
   address-shaped detector needs one of those, so the detectors miss nothing by only looking
   at the cells it keeps.
2. **Detectors, on the prefiltered cells.** Each detector's RE2 regex, then its Python
   confirmation (check digit, numbering plan…) on the distinct matching values — at most
   `CONFIRM_CAP` of them per detector and column; beyond that the rest are counted on the regex
   alone and the detection is marked `estimated`.
3. **Names and column statistics, on a bounded sample.** A non-repetitive column longer than
   `SAMPLE_ROWS` is name-scanned on a seeded random sample of `SAMPLE_ROWS` rows plus every row
   the prefilter or a context word («señor», «paciente», «C.C.»…) flags, and its column-level
   shares (cédula-shaped values, sensitive categories) are measured on that sample. Why this is
   safe: a share measured on 100,000 random rows has a standard error under 0.16 percentage
   points, far inside the 50–60 % decision thresholds; and a name that appears k times in N rows
   escapes the sample with probability (1 − 100000/N)^k — for a name repeated 50 times in a
   million rows, 0.5 %.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datos_cali import deadline
from datos_cali.catalog.models import Dataset
from datos_cali.contracts.schema import Contract
from datos_cali.quality.personal_data import names, patterns
from datos_cali.quality.personal_data.detectors import PHONES, WEIGHTS, Confirm, value_detectors
from datos_cali.quality.personal_data.dictionary import Dictionary, NameMatch, Terms
from datos_cali.quality.personal_data.lookalikes import Lookalikes
from datos_cali.quality.settings import NameLists, PersonalDataSettings, PublicLookalikes
from datos_cali.reading.headers import strip_accents
from datos_cali.reading.table import Distinct, RawTable

SAMPLE_ROWS = 100_000  # rows name-scanned and measured per long, non-repetitive column
CONFIRM_CAP = 5_000  # distinct matching values confirmed in Python per detector and column
SAMPLE_SEED = 1581  # fixed: the same file always gets the same sample (Ley 1581 de 2012)
ID_COLUMN_SHARE = 0.5  # identifier-named column: share of cédula-shaped values to confirm it
DOTTED_COLUMN_SHARE = 0.6  # any column: share of dotted cédula-shaped values to call it cédulas
DOTTED_COLUMN_UNIQUE = 0.8  # … and share of distinct values (codes repeat, people do not)
ROUND_AMOUNTS = 0.2  # … unless this share ends in «.000»: amounts are round, cédulas are not
NUMERIC_COLUMN_SHARE = 0.9  # a text column this full of plain numbers has the shape of a number
PHONE_COLUMN_SHARE = 0.5  # … and is read for phones only when this share of its cells are phones
MIN_VALUES_FOR_SHARES = 5
# A cell that is only a number or an amount (Excel's accounting zero « -   » included).
NUMERIC_CELL = r"^\s*(?:-|[-+(]?\s*\$?\s*[0-9][0-9.,' ]*\)?)\s*$"
TEXT_KINDS = (None, "text")  # None: outside the contract, read as text
NUMBER_KINDS = ("integer", "number")


@dataclass
class Detection:
    detector: str
    positions: np.ndarray  # 0-based record positions in the RawTable
    estimated: bool = False  # values beyond CONFIRM_CAP were counted on the regex alone

    @property
    def count(self) -> int:
        return len(self.positions)


@dataclass
class ColumnScan:
    key: str  # the contract field name, or the header when the contract does not know it
    header: str  # as written in the file
    position: int
    in_contract: bool
    name_match: NameMatch | None
    public_basis: str | None  # legal basis when the catalog declares it public by law
    place_basis: str | None = None  # why the catalog declares it a column of public places
    published: bool = True  # False: outside the contract, dropped before publication
    non_empty: int = 0
    values_scanned: bool = False
    sampled_rows: int | None = None  # rows of the name/statistics sample, None when all read
    detections: dict[str, Detection] = field(default_factory=dict)
    sensitive_values: str | None = None  # sensitive category recognised by the values
    minors: bool = False  # the column shows the people are minors (name, age or value)

    @property
    def hit_positions(self) -> np.ndarray:
        if not self.detections:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate([d.positions for d in self.detections.values()]))

    @property
    def sensitive_category(self) -> str | None:
        if self.name_match and self.name_match.sensitive:
            return self.name_match.category
        return self.sensitive_values

    @property
    def weight(self) -> int:
        """Risk weight: the highest of its name's and its detections' weights (0 = none)."""
        found = [WEIGHTS[d] for d in self.detections]
        if self.name_match:
            found.append(self.name_match.weight)
        if self.sensitive_values:
            found.append(3)
        return max(found, default=0)


def _mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _matches(values: pa.Array, regex: str) -> np.ndarray:
    return _mask(pc.match_substring_regex(values, regex))


def _rows(view: Distinct, units: np.ndarray) -> np.ndarray:
    """Row positions whose cell is one of these units (positions in `view.values`)."""
    if not view.repetitive:
        return units
    hit = np.zeros(len(view.values), dtype=bool)
    hit[units] = True
    return np.flatnonzero(view.rows_where(hit))


def sample_positions(num_rows: int) -> np.ndarray | None:
    """The seeded random sample of a long column, or None when the whole column is read."""
    if num_rows <= SAMPLE_ROWS:
        return None
    rng = np.random.default_rng(SAMPLE_SEED)
    return np.sort(rng.choice(num_rows, size=SAMPLE_ROWS, replace=False))


def confirm(
    values: pa.Array, hits: np.ndarray, regex, confirmer: Confirm
) -> tuple[np.ndarray, bool]:
    """Keep the hits whose value a Python confirmation accepts; bounded by CONFIRM_CAP."""
    if not len(hits):
        return hits, False
    found = values.take(pa.array(hits))
    distinct = pc.unique(found)
    estimated = len(distinct) > CONFIRM_CAP
    if estimated:
        spread = np.linspace(0, len(distinct) - 1, CONFIRM_CAP).astype(np.int64)
        distinct = distinct.take(pa.array(spread))
    rejected = [
        value
        for value in distinct.to_pylist()
        if value is not None and not any(confirmer(value, m) for m in regex.finditer(value))
    ]
    if rejected:
        hits = hits[~_mask(pc.is_in(found, value_set=pa.array(rejected, pa.string())))]
    return hits, estimated


class Scanner:
    """Scans one RawTable with the office's dictionary, name lists and public look-alikes."""

    def __init__(self, settings: PersonalDataSettings, lists: NameLists, public: PublicLookalikes):
        self.settings = settings
        self.lists = lists
        self.lookalikes = Lookalikes(public)
        self.dictionary = Dictionary(settings)
        self.detectors = value_detectors(self.lookalikes)
        self.compiled = [(d, d.pattern.re2(), d.pattern.python()) for d in self.detectors]
        self.names_re2, self.names = names.compiled(lists, settings, public)
        self.sensitive_sets = {
            category: _folded(spec.values) for category, spec in settings.sensitive_values.items()
        }
        self.minor_values = _folded(settings.minors.values)
        self.minor_terms = Terms(settings.minors.terms)
        self.age_terms = Terms(settings.minors.age_terms)
        self.phone_headers = Terms(settings.phone_headers)

    def scan(
        self,
        raw: RawTable,
        dataset: Dataset,
        mapping: Mapping[str, int],
        contract: Contract | None = None,
    ) -> list[ColumnScan]:
        by_position = {position: name for name, position in mapping.items()}
        kinds = {n: s.kind for n, s in contract.columns.items()} if contract else {}
        public, places = dataset.public_by_law(), dataset.public_places()
        scans = []
        for position, header in enumerate(raw.headers):
            deadline.check("datos personales")
            name = by_position.get(position)
            view = raw.distinct(position)  # shared with the other checks: encoded once
            column = ColumnScan(
                key=name or header,
                header=header,
                position=position,
                in_contract=name is not None,
                name_match=self.dictionary.match(header) or self.dictionary.match(name or header),
                public_basis=public.get(name) if name else None,
                place_basis=places.get(name) if name else None,
                published=contract is None or name is not None,
            )
            scans.append(self._scan_column(view, column, kinds.get(name) if name else None))
        return scans

    def _scan_column(self, view: Distinct, scan: ColumnScan, kind: str | None) -> ColumnScan:
        sample = None if view.repetitive else sample_positions(len(view.values))
        filled = _mask(pc.not_equal(pc.utf8_trim_whitespace(view.values), ""))
        scan.non_empty = int(view.rows_where(filled).sum())
        scan.values_scanned = scan.public_basis is None and kind in (*TEXT_KINDS, *NUMBER_KINDS)
        scan.sampled_rows = None if sample is None else len(sample)
        if not scan.non_empty:
            return scan
        measured = _Measure(view, filled, sample)
        if scan.values_scanned:
            phone_named = self.phone_headers.in_name(scan.header) or self.phone_headers.in_name(
                scan.key
            )
            numeric = (
                kind in NUMBER_KINDS
                or measured.share(NUMERIC_CELL, trim=False) >= NUMERIC_COLUMN_SHARE
            )
            text = kind in TEXT_KINDS
            found = _Prefiltered.of(view.values, with_context=text and sample is not None)
            self._scan_values(
                view, scan, found, numeric=numeric, phone_named=phone_named, text=text
            )
            if text and not numeric and scan.place_basis is None:  # numbers hold no names
                self._scan_names(view, scan, sample, found)
            if scan.place_basis is not None:  # declared public places: addresses and names pass
                scan.detections.pop("direccion", None)
        if scan.public_basis is None:
            self._scan_identifier_column(view, measured, scan, kind)
            scan.sensitive_values = scan.sensitive_values or self._sensitive_values(measured)
        scan.minors = self._minors(scan.header, measured)
        return scan

    def _scan_values(
        self,
        view: Distinct,
        scan: ColumnScan,
        found: _Prefiltered,
        *,
        numeric: bool,
        phone_named: bool,
        text: bool,
    ) -> None:
        """Every detector on the prefiltered cells of a text column. In a numeric column (by
        contract or by shape) only the phone detectors, on every cell when the name says phone,
        else on the phone-formatted cells — or, in a text column of plain numbers, on all of
        them and kept only if most of the column is phones (`_phone_column`)."""
        flagged = found.prefilter
        if not len(flagged):
            return
        candidates = view.values.take(pa.array(flagged))
        formatted = _matches(candidates, patterns.PHONE_FORMATTED) if numeric else None
        for detector, re2, python in self.compiled:
            phone = detector.id in PHONES
            if numeric and not phone and not text:
                continue
            hits = flagged[_matches(candidates, re2)]
            if numeric and phone and not phone_named and not text:
                hits = np.intersect1d(hits, flagged[formatted])
            kept, estimated = confirm(view.values, hits, python, detector.confirm)
            if numeric and phone and not phone_named and text and len(kept):
                kept = self._phone_column(view, scan, kept, flagged[formatted])
            if len(kept):
                scan.detections[detector.id] = Detection(detector.id, _rows(view, kept), estimated)

    def _phone_column(
        self, view: Distinct, scan: ColumnScan, kept: np.ndarray, formatted: np.ndarray
    ) -> np.ndarray:
        """In a text column of plain numbers: keep phone-formatted hits, and all of them when
        most of the column is phones (a phone column with a name that does not say so) and
        neither its name (amounts, codes) nor its round values say it holds amounts."""
        rows = int(_rows(view, kept).size)
        amounts = self.lookalikes.number_column(scan.header, scan.key)
        if scan.non_empty and rows / scan.non_empty >= PHONE_COLUMN_SHARE and not amounts:
            values = view.values.take(pa.array(kept))
            if _share_of_rows(view, kept, _matches(values, r"000\s*$")) < ROUND_AMOUNTS:
                return kept
        return np.intersect1d(kept, formatted)

    def _scan_names(self, view: Distinct, scan: ColumnScan, sample, found: _Prefiltered) -> None:
        if sample is None:
            units, read = np.arange(len(view.values)), view.values
        else:
            chosen = np.zeros(len(view.values), dtype=bool)
            chosen[found.context] = True  # context words, every row
            chosen[sample] = True
            chosen[found.prefilter] = True
            units = np.flatnonzero(chosen)
            read = view.values.take(pa.array(units))
        hits = units[_matches(read, self.names_re2)]
        in_place_column = self.lookalikes.place_column(scan.header, scan.key)
        confirmer = self.names.is_person_in_place if in_place_column else self.names.is_person
        kept, estimated = confirm(view.values, hits, self.names.candidates, confirmer)
        if not len(kept):
            return
        scan.detections["nombre"] = Detection("nombre", _rows(view, kept), estimated)
        health = _matches(view.values.take(pa.array(kept)), self.names.health_re2)
        if health.any():
            scan.detections["salud_con_nombre"] = Detection(
                "salud_con_nombre", _rows(view, kept[health]), estimated
            )
            scan.sensitive_values = "salud"

    def _scan_identifier_column(
        self, view: Distinct, measured: _Measure, scan: ColumnScan, kind: str | None
    ) -> None:
        """Whole columns of document numbers: named as such, or dotted like cédulas."""
        match = scan.name_match
        if match and match.category == "identificador" and not match.sensitive:
            if measured.share(patterns.ID_CELL) >= ID_COLUMN_SHARE:
                units = np.flatnonzero(_matches(view.values, patterns.ID_CELL))
                units = self._without_company_nits(view, units)
                if len(units):
                    scan.detections["documento"] = Detection("documento", _rows(view, units))
            return
        if kind not in TEXT_KINDS or measured.count < MIN_VALUES_FOR_SHARES:
            return
        dotted = measured.share(patterns.DOTTED_ID_CELL)
        if dotted < DOTTED_COLUMN_SHARE or measured.distinct_share() < DOTTED_COLUMN_UNIQUE:
            return
        round_amounts = measured.share(r"\.000\s*$") / dotted
        if round_amounts >= ROUND_AMOUNTS or measured.share(r"\$") > 0:
            return  # money: «224.436.000», «$ 1.000.000»
        units = np.flatnonzero(_matches(view.values, patterns.DOTTED_ID_CELL))
        scan.detections["cedula_columna"] = Detection("cedula_columna", _rows(view, units))

    def _without_company_nits(self, view: Distinct, units: np.ndarray) -> np.ndarray:
        """Drop companies' NITs (nine digits from 8 or 9, valid check digit) from a document
        column: a supplier's NIT is not a person's document. Bounded like every confirmation."""
        if not len(units):
            return units
        values = view.values.take(pa.array(units))
        shaped = _matches(values, patterns.COMPANY_NIT_CELL)
        if not shaped.any():
            return units
        hits, _ = confirm(view.values, units[shaped], _WHOLE_CELL, _company_nit)
        return np.setdiff1d(units, hits)

    def _sensitive_values(self, measured: _Measure) -> str | None:
        if measured.count < MIN_VALUES_FOR_SHARES:
            return None
        for category, spec in self.settings.sensitive_values.items():
            if spec.pattern:
                share = measured.share(spec.pattern)
            else:
                share = measured.share_of(
                    _is_one_of(measured.values, self.sensitive_sets[category])
                )
            if share >= spec.share:
                return category
        return None

    def _minors(self, header: str, measured: _Measure) -> bool:
        if self.minor_terms.in_name(header):
            return True
        if self.minor_values and _is_one_of(measured.values, self.minor_values).any():
            return True
        if self.age_terms.in_name(header):
            ages = pc.extract_regex(measured.values, r"^\s*(?P<age>[0-9]{1,3})")
            found = pc.cast(pc.struct_field(ages, [0]), pa.int64())
            return bool(pc.any(pc.less(found, self.settings.minors.adult_age)).as_py())
        return False


_WHOLE_CELL = re.compile(r".+", re.S)


def _company_nit(cell: str, _match) -> bool:
    from stdnum.co import nit

    digits = "".join(ch for ch in cell if ch.isdigit())
    return len(digits) == 10 and digits[0] in "89" and nit.is_valid(digits)


@dataclass
class _Prefiltered:
    """Cells the prefilter flags and, for name-scanned long columns, cells with a context word:
    one pass of both regexes together over every cell, then each over the few that matched."""

    prefilter: np.ndarray  # positions in `values`
    context: np.ndarray

    @classmethod
    def of(cls, values: pa.Array, *, with_context: bool) -> _Prefiltered:
        if not with_context:
            return cls(np.flatnonzero(_matches(values, patterns.PREFILTER)), np.empty(0, np.int64))
        either = np.flatnonzero(_matches(values, f"(?:{patterns.PREFILTER})|{_CONTEXT_GROUP}"))
        if not len(either):
            return cls(either, either)
        few = values.take(pa.array(either))
        return cls(
            either[_matches(few, patterns.PREFILTER)], either[_matches(few, patterns.NAME_CONTEXT)]
        )


_CONTEXT_GROUP = "(?i:" + patterns.NAME_CONTEXT.removeprefix("(?i)") + ")"


class _Measure:
    """Column-level shares over non-empty cells: all rows, their distinct values, or a sample."""

    def __init__(self, view: Distinct, filled: np.ndarray, sample: np.ndarray | None):
        self.view = view
        if sample is not None:
            self.values = view.values.take(pa.array(sample))
            self.weights = filled[sample].astype(np.int64)
        elif view.repetitive:
            self.values = view.values
            counts = view.counts()[:-1]  # cached on the view, shared with the other checks
            self.weights = np.where(filled, counts, 0)
        else:
            self.values = view.values
            self.weights = filled.astype(np.int64)
        self.count = int(self.weights.sum())

    def share_of(self, unit_mask: np.ndarray) -> float:
        return float(self.weights[unit_mask].sum() / self.count) if self.count else 0.0

    def share(self, regex: str, *, trim: bool = True) -> float:
        values = pc.utf8_trim_whitespace(self.values) if trim else self.values
        return self.share_of(_matches(values, regex))

    def distinct_share(self) -> float:
        if self.view.repetitive:
            return float((self.weights > 0).sum() / self.count) if self.count else 0.0
        present = self.values.filter(pa.array(self.weights > 0))
        return pc.count_distinct(present).as_py() / self.count if self.count else 0.0


def _share_of_rows(view: Distinct, units: np.ndarray, mask: np.ndarray) -> float:
    """Share of the rows holding `units` whose unit is in `mask` (weights: rows per value)."""
    if not len(units):
        return 0.0
    if not view.repetitive:
        return float(mask.mean())
    counts = view.counts()[units]
    return float(counts[mask].sum() / counts.sum()) if counts.sum() else 0.0


def _folded(values: list[str]) -> pa.Array:
    folded = {v.casefold() for v in values} | {strip_accents(v).casefold() for v in values}
    return pa.array(sorted(folded), pa.string())


def _is_one_of(values: pa.Array, folded: pa.Array) -> np.ndarray:
    """Case- and accent-insensitive membership, vectorised (accents folded on both sides)."""
    if not len(folded):
        return np.zeros(len(values), dtype=bool)
    cells = pc.utf8_lower(pc.utf8_trim_whitespace(values))
    return _mask(pc.is_in(cells, value_set=folded))
