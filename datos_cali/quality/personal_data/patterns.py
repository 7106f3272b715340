"""The regular expressions behind the value scanners, written once for two engines.

Whole columns are matched with `pyarrow.compute` (RE2: linear time, no look-arounds); the few
cells that match are re-read in Python (`re`) to pull out each value and confirm it. So every
pattern is a body plus a boundary, and `re2()` / `python()` add the boundary each engine can
express. Bodies use only syntax both engines share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LETTER = "A-Za-zÁÉÍÓÚÜÑáéíóúüñ"


@dataclass(frozen=True)
class Pattern:
    body: str
    boundary: str  # "digit": no digit right before or after; "letter": no letter
    ignore_case: bool = False

    def re2(self) -> str:
        outside = "0-9" if self.boundary == "digit" else LETTER
        flags = "(?i)" if self.ignore_case else ""
        return f"{flags}(?:^|[^{outside}])(?:{self.body})(?:[^{outside}]|$)"

    def python(self) -> re.Pattern[str]:
        outside = "0-9" if self.boundary == "digit" else LETTER
        flags = re.IGNORECASE if self.ignore_case else 0
        return re.compile(f"(?<![{outside}])(?:{self.body})(?![{outside}])", flags)


# One cheap pass over every row: a cell can hold a number-, e-mail- or address-shaped piece of
# personal data only if it has five digits in a row, a dotted thousands group, a phone written
# in groups («(602) 555 1234»), an @ or a dash between digits (every address in Colombian
# nomenclature has «# 12 - 34»).
# A cheap first pass over every cell: anything a detector could confirm passes it. Digit runs
# glued to a letter code («VAC-0000001», «AC-0012») are record codes, not document numbers;
# «CC-12345678» still passes through the context alternative.
PREFILTER = (
    r"(?:^|[^A-Za-z0-9_-])[0-9]{5}|^[0-9]{5}|[0-9]\.[0-9]{3}"
    r"|[0-9]{3}\)?[ .-]?[0-9]{3}[ .-]?[0-9]{4}|@|[0-9] ?- ?[0-9]|(?i:c\.?\s?c|c[eé]d|doc)\W{0,3}[0-9]"
)

# A cédula: 1–10 digits, usually with thousands dots; 1.144.123.456 or 31234567.
CEDULA_NUMBER = r"[0-9]{1,3}(?:\.[0-9]{3}){1,3}|[0-9]{5,10}"
_CONTEXT = (
    r"c\.? ?c\.?|c[eé]dula(?: de ciudadan[ií]a)?|documento(?: de identidad)?"
    r"|identificaci[oó]n|identificad[oa] con|t\.? ?i\.?|tarjeta de identidad|nuip|pasaporte"
)
CEDULA_WITH_CONTEXT = Pattern(
    rf"\b(?:{_CONTEXT})[ :.#]*(?:(?:n[o°º]|n[uú]mero|nro)\.?[ :.#]*)?(?:{CEDULA_NUMBER})",
    boundary="digit",
    ignore_case=True,
)
# Cells that are nothing but a cédula-shaped number (used column by column).
DOTTED_ID_CELL = r"^\s*[0-9]{1,3}(?:\.[0-9]{3}){1,3}\s*$"
ID_CELL = r"^\s*(?:[0-9]{1,3}(?:\.[0-9]{3}){1,3}|[0-9]{5,10})(?:\s?-\s?[0-9])?\s*$"

# A NIT: base of 7–12 digits (dots optional) and its check digit after a dash.
NIT = Pattern(r"[0-9]{1,3}(?:\.?[0-9]{3}){2,3} ?- ?[0-9]", boundary="digit")

# Colombian phones: mobile 3xx xxx xxxx; landline 60x xxx xxxx (the 2021 national plan).
MOBILE = Pattern(r"(?:\+?57[ .-]?)?3[0-9]{2}[ .-]?[0-9]{3}[ .-]?[0-9]{4}", boundary="digit")
LANDLINE = Pattern(r"(?:\+?57[ .-]?)?\(?60[1-8]\)?[ .-]?[0-9]{3}[ .-]?[0-9]{4}", boundary="digit")

EMAIL = Pattern(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", boundary="letter"
)

# Street addresses in Colombian nomenclature: «Calle 5 # 38-45», «Cra 24C No. 12-33».
_STREET = (
    r"calle|cll|cl|carrera|cra|kra|kr|cr|avenida|av|diagonal|diag|dg|transversal|trans|tv|tr"
    r"|autopista|circular|circunvalar"
)
_NUMBER = r"[0-9]{1,3} ?[a-z]{0,2}(?: ?bis)?(?: ?[a-z])?(?: (?:norte|sur|oeste|este|n|s))?"
ADDRESS = Pattern(
    rf"(?:{_STREET})\.? ?{_NUMBER} ?(?:#|n[o°º]\.?|num\.?|n[uú]mero) ?{_NUMBER} ?- ?[0-9]{{1,3}}",
    boundary="letter",
    ignore_case=True,
)

# Words that often sit next to a person in free text; rows with them are always name-scanned.
NAME_CONTEXT = (
    r"(?i)señor|señora|\bsr\.|\bsra\.|paciente|ciudadan[oa]|identificad[oa]|contratista"
    r"|funcionari[oa]|c\.c\.|\bcc\b|c[eé]dula|docente|estudiante|usuari[oa]"
)
