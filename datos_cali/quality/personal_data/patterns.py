"""The regular expressions behind the value scanners, written once for two engines.

Whole columns are matched with `pyarrow.compute` (RE2: linear time, no look-arounds); the few
cells that match are re-read in Python (`re`) to pull out each value and confirm it. So every
pattern is a body plus a boundary, and `re2()` / `python()` add the boundary each engine can
express. Bodies use only syntax both engines share (no `\\p{…}`, no look-arounds).

They are written for the ways people really type these values in free text: cédulas with any
separator and context word («CC-31234567», «ced. 31234567», «C.C. 1144 123 456», «31'234.567»),
mobiles in groups («311 234 56 78», «+57 (311) 234-5678»), e-mails with accents or «[arroba]»,
and Colombian addresses with letters, suffixes and abbreviations («Cl 44 # 7T-10»,
«KR 24C 12 33», «Av. 2 Norte No 38 45», «Mz 3 Casa 12»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LETTER = "A-Za-zÁÉÍÓÚÜÑáéíóúüñÀ-ÖØ-öø-ÿ"
DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, en and em dashes, minus sign


@dataclass(frozen=True)
class Pattern:
    body: str
    boundary: str  # "digit": no digit right before or after; "letter": no letter
    ignore_case: bool = False
    # Python only: characters that cannot come right before a match's start. A body that opens
    # with a run (`[…]+`) retries that run from every position inside it when no match follows,
    # quadratic in a long cell («1111…1» after an e-mail); starting only where the run starts
    # finds the same matches (the run can always reach back to its start) in linear time.
    run_start: str = ""

    def re2(self) -> str:
        outside = "0-9" if self.boundary == "digit" else LETTER
        flags = "(?i)" if self.ignore_case else ""
        return f"{flags}(?:^|[^{outside}])(?:{self.body})(?:[^{outside}]|$)"

    def python(self) -> re.Pattern[str]:
        outside = "0-9" if self.boundary == "digit" else LETTER
        flags = re.IGNORECASE if self.ignore_case else 0
        start = f"(?<![{self.run_start}])" if self.run_start else ""
        return re.compile(f"{start}(?<![{outside}])(?:{self.body})(?![{outside}])", flags)


# Separators people put inside numbers: spaces, dots, commas, apostrophes, dashes.
_SEP = f"[ .,'\u2019\u00b4{DASHES}]"
_PHONE_SEP = f"[ .{DASHES}/]{{0,3}}"

# --- cédulas ----------------------------------------------------------------------------------

# A cédula: 1–10 digits, grouped any way: 1.144.123.456, 1144 123 456, 31'234.567, 31234567.
CEDULA_NUMBER = rf"[0-9]{{1,4}}(?:{_SEP}[0-9]{{3}}){{1,3}}|[0-9]{{5,10}}"
_CONTEXT = (
    r"c\.? ?c\.?|c[eé]d\.?|c[eé]dula(?: de ciudadan[ií]a)?|documento(?: de identidad)?"
    r"|doc\.?|identificaci[oó]n|identificad[oa] con(?: (?:la )?c[eé]dula)?|t\.? ?i\.?"
    r"|tarjeta de identidad|nuip|pasaporte|c[eé]dula de extranjer[ií]a|c\.? ?e\."
)
CEDULA_WITH_CONTEXT = Pattern(
    rf"\b(?:{_CONTEXT})[ :.#°º{DASHES}]*(?:(?:n[o°º]?|n[uú]mero|nro|num)\.?[ :.#°º]*)?"
    rf"(?:{CEDULA_NUMBER})"
    # or the number first: «31.234.567 C.C.», «1144123456 cc de Cali»
    rf"|(?:{CEDULA_NUMBER}) ?(?:c\. ?c\.?|cc\b|c[eé]dula\b)",
    boundary="digit",
    ignore_case=True,
)
# Cells that are nothing but a cédula-shaped number (used column by column).
DOTTED_ID_CELL = r"^\s*[0-9]{1,3}(?:\.[0-9]{3}){1,3}\s*$"
ID_CELL = r"^\s*(?:[0-9]{1,3}(?:\.[0-9]{3}){1,3}|[0-9]{5,10})(?:\s?-\s?[0-9])?\s*$"

# A company's NIT alone in a cell: nine digits from 8 or 9 and the check digit («NIT 890.399.001-1»).
COMPANY_NIT_CELL = r"(?i)^\s*(?:nit\.?:?\s*)?[89][0-9]{2}\.?[0-9]{3}\.?[0-9]{3}\s?-\s?[0-9]\s*$"

# A NIT: base of 7–12 digits (dots optional) and its check digit after a dash.
NIT = Pattern(rf"[0-9]{{1,3}}(?:\.?[0-9]{{3}}){{2,3}} ?[{DASHES}] ?[0-9]", boundary="digit")

# --- phones (the 2021 national plan: mobiles 3xx, landlines 60x, 10 digits) -------------------

_COUNTRY = rf"(?:\(?\+? ?57\)?{_PHONE_SEP})?"
_LAST_SEVEN = rf"[0-9]{{3}}{_PHONE_SEP}(?:[0-9]{{4}}|[0-9]{{2}}{_PHONE_SEP}[0-9]{{2}})"
MOBILE = Pattern(rf"{_COUNTRY}\(?3[0-9]{{2}}\)?{_PHONE_SEP}{_LAST_SEVEN}", boundary="digit")
LANDLINE = Pattern(rf"{_COUNTRY}\(?60[1-8]\)?{_PHONE_SEP}{_LAST_SEVEN}", boundary="digit")
# A cell formatted like a phone (how a number column can still say «phone»).
PHONE_FORMATTED = (
    rf"\+ ?57|\( ?(?:3[0-9]{{2}}|60[1-8]) ?\)|(?:^|[^0-9])(?:3[0-9]{{2}}|60[1-8])[ {DASHES}]"
    rf"[0-9]{{3}}[ {DASHES}][0-9]{{2}}"
)

# --- e-mails ----------------------------------------------------------------------------------

_LOCAL_CHARS = "A-Za-z0-9À-ÖØ-öø-ÿ._%+\\-"
_LOCAL = f"[{_LOCAL_CHARS}]+"
_AT = r"\s?@\s?|\s?[\[(]\s?(?:arroba|at)\s?[\])]\s?|\s(?:arroba)\s"
_DOT = r"\s?\.\s?|\s?[\[(]\s?(?:dot|punto)\s?[\])]\s?|\s(?:dot|punto)\s"
_LABEL = "[A-Za-z0-9À-ÖØ-öø-ÿ\\-]+"
EMAIL = Pattern(
    rf"{_LOCAL}(?:{_AT}){_LABEL}(?:(?:{_DOT}){_LABEL})*(?:{_DOT})[A-Za-z]{{2,}}",
    boundary="letter",
    ignore_case=True,
    run_start=_LOCAL_CHARS,
)

# --- street addresses in Colombian nomenclature -----------------------------------------------

STREET_WORDS = {
    # canonical → the ways it is written (compared lower case, accents off, dot optional)
    "cl": ("calle", "cll", "cl", "clle"),
    "kr": ("carrera", "cra", "kra", "kr", "cr", "crr", "carr"),
    "ak": ("avenida carrera", "ak", "av cra", "av carrera"),
    "ac": ("avenida calle", "ac", "av calle"),
    "av": ("avenida", "av", "avda"),
    "dg": ("diagonal", "diag", "dg"),
    "tv": ("transversal", "trans", "transv", "tv", "tr"),
    "au": ("autopista",),
    "cq": ("circular", "circunvalar", "circ"),
}
_STREET = "|".join(
    sorted({re.escape(w).replace("\\ ", "\\.? ?") for ws in STREET_WORDS.values() for w in ws},
           key=lambda w: -len(w))
)  # fmt: skip
_SUFFIX = r"(?: ?(?:norte|sur|oeste|este|bis|n|s|o|e)\.?){0,2}"
_PLATE = rf"[0-9]{{1,3}} ?[a-z]{{0,2}}{_SUFFIX}"
_NUMBER_SIGN = r"(?:#|n[o°º]\.?|num\.?|n[uú]mero|nro\.?)"
_STREET_ADDRESS = (
    rf"(?:{_STREET})\.? ?{_PLATE} ?(?:{_NUMBER_SIGN} ?{_PLATE} ?[{DASHES}]? ?[0-9]{{1,3}}"
    rf"|{_PLATE} ?[{DASHES}] ?[0-9]{{1,3}}|[0-9]{{1,3}} ?[a-z]? [0-9]{{1,3}})"
)
# Manzana and casa (or lote, apartamento): a home in a housing estate, «Mz 3 Casa 12».
_BLOCK_ADDRESS = (
    r"(?:mz|manzana|mza)\.? ?[0-9a-z]{1,3} ?,? ?(?:casa|cs|lote|lt|apto|apartamento|apt)\.? ?"
    r"[0-9]{1,4}"
)
ADDRESS = Pattern(f"{_STREET_ADDRESS}|{_BLOCK_ADDRESS}", boundary="letter", ignore_case=True)

# --- the prefilter ----------------------------------------------------------------------------

# One cheap pass over every cell: anything a detector could confirm passes it — five digits in a
# row, a dotted or grouped number, a phone in groups, an @ or «arroba», a dash between a digit
# (or a plate letter) and a digit, a street word or «Mz» before a number, or a document
# context word before a number. Digit runs glued to a letter code («VAC-0000001») are record
# codes, not document numbers; «CC-12345678» still passes through the context alternative.
PREFILTER = (
    r"(?:^|[^A-Za-z0-9_-])[0-9]{5}|^[0-9]{5}|[0-9][.,'\x{2019}][0-9]{3}"
    r"|[0-9]{3}\)?[ .-]?[0-9]{3}[ .-]?[0-9]{2}|[0-9]{3} [0-9]{2,3} [0-9]{2}"
    r"|@|(?i:arroba|[\[(] ?at ?[\])])"
    rf"|[0-9][a-zA-Z]? ?[{DASHES}] ?[0-9]"
    r"|(?i:(?:^|[^a-z])(?:calle|cl|cll|carrera|cra|kra|kr|cr|ak|ac|av|avenida|diagonal|dg|diag"
    r"|transversal|tv|tr|trans|autopista|mz|manzana)\.? ?[0-9])"
    r"|(?i:c\.?\s?c|c[eé]d|doc|identificad)[^0-9]{0,12}[0-9]"
)

# Words that often sit next to a person in free text; rows with them are always name-scanned
# (in the long columns whose names are otherwise read on a sample).
NAME_CONTEXT = (
    r"(?i)señor|señora|\bsr\.|\bsra\.|\bdon\b|doña|paciente|ciudadan[oa]|identificad[oa]"
    r"|contratista|funcionari[oa]|c\.c\.|\bcc\b|c[eé]dula|docente|estudiante|usuari[oa]"
    r"|casa de"
)

# Amounts: a currency sign or word right before a number, or «pesos» after it.
AMOUNT_BEFORE = re.compile(r"(?:\$|cop|us\$|valor|monto|pesos|presupuesto)\W{0,3}$", re.IGNORECASE)
AMOUNT_AFTER = re.compile(r"^\s?(?:pesos|cop|m/?cte|millones|,00\b|\.00\b)", re.IGNORECASE)
