"""Person names in free text: a given name (or two) followed by a surname, from a curated list.

Precision over recall: the lists in `quality/nombres_comunes.yaml` leave out names that are also
ordinary words, and a name right after «Institución Educativa», «barrio», «Parque»… (or right
before «Ltda.», «S.A.S.») names a place or a company, not a person.
"""

from __future__ import annotations

import re

from datos_cali.quality.personal_data.patterns import Pattern
from datos_cali.quality.settings import NameLists
from datos_cali.reading.headers import normalize, strip_accents

WINDOW = 3  # words looked at before and after a name


def _alternation(names: list[str]) -> str:
    variants = {v for name in names for v in (name, strip_accents(name))}
    return "|".join(re.escape(v) for v in sorted(variants, key=lambda v: (-len(v), v)))


def name_pattern(lists: NameLists, *, any_case: bool) -> Pattern:
    """Capitalised names in free text; any case in a column that says it holds names."""
    given, surname = _alternation(lists.given_names), _alternation(lists.surnames)
    body = f"(?:{given})(?: +(?:{given}))? +(?:{surname})"
    return Pattern(body, boundary="letter", ignore_case=any_case)


class NameConfirmer:
    """Decides, for one regex match inside a cell, whether it names a person."""

    def __init__(self, lists: NameLists):
        self.place_words = {normalize(w) for w in lists.place_words}
        self.company_phrases = [normalize(w).split() for w in lists.company_words]

    def is_person(self, text: str, match: re.Match[str]) -> bool:
        before = normalize(text[: match.start()]).split()[-WINDOW:]
        if any(word in self.place_words for word in before):
            return False
        after = normalize(text[match.end() :]).split()[: WINDOW + 2]
        return not any(_starts_within(after, phrase) for phrase in self.company_phrases)


def _starts_within(words: list[str], phrase: list[str]) -> bool:
    return any(words[i : i + len(phrase)] == phrase for i in range(min(WINDOW, len(words))))


_COMPILED: dict[tuple[int, bool], tuple[NameLists, str, re.Pattern[str], NameConfirmer]] = {}


def compiled(lists: NameLists, any_case: bool) -> tuple[str, re.Pattern[str], NameConfirmer]:
    """RE2 text, Python pattern and confirmer, built once per loaded list (lists are cached)."""
    key = (id(lists), any_case)
    if key not in _COMPILED:
        pattern = name_pattern(lists, any_case=any_case)
        _COMPILED[key] = (lists, pattern.re2(), pattern.python(), NameConfirmer(lists))
    _, re2, python, confirmer = _COMPILED[key]
    return re2, python, confirmer
