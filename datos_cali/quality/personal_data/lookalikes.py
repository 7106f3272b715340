"""Values that look like personal data and are public: `quality/datos_publicos.yaml`, compiled.

The office declares them once — the Alcaldía's own phones and addresses, the State's mailbox
domains, the words before a reference number — and every detector's confirmation asks here
before it calls a value personal.
"""

from __future__ import annotations

import re

from datos_cali.quality.personal_data.names import Phrases
from datos_cali.quality.personal_data.patterns import STREET_WORDS
from datos_cali.quality.settings import PublicLookalikes
from datos_cali.reading.headers import normalize

_STREETS = {
    written: canonical
    for canonical, forms in STREET_WORDS.items()
    for written in (normalize(form) for form in forms)
}
_SUFFIXES = {"norte": "n", "sur": "s", "oeste": "o", "este": "e"}
_NOISE = frozenset({"no", "num", "numero", "nro"})
# `(?<!\s)`: a match starts where a run of blanks starts, not inside it (the same matches; without
# it a long run of blanks is tried from each of its positions, quadratic).
_AT = re.compile(r"(?<!\s)\s*(?:@|[\[(]\s*(?:arroba|at)\s*[\])]|\sarroba\s)\s*", re.IGNORECASE)
_DOT = re.compile(r"(?<!\s)\s*(?:\.|[\[(]\s*(?:dot|punto)\s*[\])]|\s(?:dot|punto)\s)\s*")
# How far before a number `reference` reads: its few words, not the whole cell for each number.
_REFERENCE_WINDOW = 200
_REFERENCE_REACH = 3  # words between a reference word and its number («Decreto No. 0123»)


def digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def canonical_address(text: str) -> str:
    """«Cl. 9 No. 4-55» and «Calle 9 # 4-55» → «cl 9 4 55»; «Av 2N # 10-70» → «av 2 n 10 70»."""
    words = normalize(re.sub(r"([0-9])([a-zA-Z])", r"\1 \2", text)).split()
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i : i + 2])
        if not out and pair in _STREETS:
            out.append(_STREETS[pair])
            i += 2
            continue
        word = words[i]
        if not out and word in _STREETS:
            out.append(_STREETS[word])
        elif out and word not in _NOISE:
            out.append(_SUFFIXES.get(word, word))
        i += 1
    return " ".join(out)


class Lookalikes:
    def __init__(self, public: PublicLookalikes):
        self.domains = tuple(d.lower().lstrip(".") for d in public.email_domains)
        self.generic = frozenset(m.casefold() for m in public.generic_mailboxes)
        self.phones = frozenset(digits(p)[-10:] for p in public.phones)
        self.addresses = frozenset(canonical_address(a) for a in public.addresses)
        self.references = Phrases(public.number_contexts)
        self.place_headers = Phrases(public.place_headers)
        self.number_headers = Phrases(public.number_headers)

    def public_email(self, address: str) -> bool:
        """A generic mailbox (contacto@…) or a mailbox of the State (…@cali.gov.co)."""
        parts = _AT.split(address.strip(), maxsplit=1)
        if len(parts) != 2:
            return False
        local, domain = parts[0].casefold(), parts[1].lower()
        domain = _DOT.sub(".", domain).strip(".")
        if local in self.generic:
            return True
        return any(domain == d or domain.endswith("." + d) for d in self.domains)

    def public_phone(self, text: str) -> bool:
        return digits(text)[-10:] in self.phones

    def public_address(self, text: str) -> bool:
        return canonical_address(text) in self.addresses

    def reference(self, cell: str, start: int) -> bool:
        """Is the number at `start` a reference (after «decreto», «radicado», «contrato»…)?"""
        before = cell[max(0, start - _REFERENCE_WINDOW) : start]
        words = normalize(before).split()
        if start > _REFERENCE_WINDOW:
            words = words[1:]  # the window may begin inside a word
        for back in range(min(_REFERENCE_REACH, len(words))):
            if self.references.ends(words[: len(words) - back]):
                return True
        return False

    def number_column(self, *names: str) -> bool:
        """A header that says the column holds amounts or codes («PPTO INICIAL», «Consecutivo»)."""
        return any(self.number_headers.anywhere(normalize(n).split()) for n in names)

    def place_column(self, *names: str) -> bool:
        """A header that says the column holds places («Barrio», «Sede educativa»)."""
        return any(self.place_headers.anywhere(normalize(n).split()) for n in names)
