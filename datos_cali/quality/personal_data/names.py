"""Person names in free text, in any case and order, told apart from the places named after people.

A candidate is a given name (or two) and a surname from `quality/nombres_comunes.yaml`, in either
order («María Fernanda Gómez», «GÓMEZ PÉREZ MARÍA»), or one of them right after a word that
introduces a person («señora Gómez», «don Jaime», «la casa de Mery Gómez»). It is *not* a person
when the words before it, in the same phrase, name a place, an institution, a vessel or an honour
(«IEO Pedro Antonio Molina», «pista de patinaje Alfonso López»), or a public official by title
(«el alcalde Jorge Iván Ospina»); nor when a company word follows («Gómez Pérez Ltda.»). Those
contexts are the office's, in `quality/datos_publicos.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from datos_cali.quality.personal_data.patterns import Pattern
from datos_cali.quality.settings import NameLists, PersonalDataSettings, PublicLookalikes
from datos_cali.reading.headers import normalize, strip_accents

WINDOW = 5  # words looked at before a name for a place
OFFICE_WINDOW = 8  # … and for an official's title («Director del Departamento Administrativo
#                    de Hacienda María Gómez»)
AFTER = 3  # words looked at after a name for a company word
_CONNECTORS = frozenset({"y", "e", "o"})
# Verbs end a place's name: «el colegio reportó que…», «atendiendo a…» (past tense, gerunds).
_VERB = re.compile(r"(?:ó|aron|ieron|ando|iendo)$")
# A phrase ends at these; dots do not (they are in «I.E.O.», «Sr.», «No.»).
_PHRASE_END = re.compile(r"[,;:\n\r\t|/]")
_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+")


def _alternation(names: list[str]) -> str:
    variants = {v for name in names for v in (name, strip_accents(name))}
    return "|".join(re.escape(v) for v in sorted(variants, key=lambda v: (-len(v), v)))


def _titles(titles: list[str]) -> str:
    forms = set()
    for title in titles:
        for variant in (title, strip_accents(title)):
            forms.add(re.escape(variant).replace("\\ ", " +") + "\\.?")
    return "|".join(sorted(forms, key=lambda v: (-len(v), v)))


@dataclass(frozen=True)
class NamePatterns:
    any_order: Pattern  # given + surname, either order
    titled: Pattern  # a person title + one name

    def union(self) -> Pattern:
        return Pattern(f"{self.any_order.body}|{self.titled.body}", "letter", ignore_case=True)


def name_patterns(lists: NameLists, titles: list[str]) -> NamePatterns:
    given, surname = _alternation(lists.given_names), _alternation(lists.surnames)
    forward = f"(?:{given})(?: +(?:{given}))? +(?:{surname})(?: +(?:{surname}))?"
    backward = f"(?:{surname})(?: +(?:{surname}))?,? +(?:{given})(?: +(?:{given}))?"
    # A title, maybe a word the lists do not know («casa de Mery Gómez»), then a known name.
    titled = f"(?:{_titles(titles)}) +(?:[A-Za-zÁÉÍÓÚÑáéíóúñ]{{2,}} +)?(?:{given}|{surname})"
    return NamePatterns(
        Pattern(f"{forward}|{backward}", "letter", ignore_case=True),
        Pattern(titled, "letter", ignore_case=True),
    )


class Phrases:
    """Words or phrases, normalised («I.E.O.» → i e o), looked for as whole words; a plural in
    the text matches a singular in the list («barrios», «instituciones»)."""

    def __init__(self, phrases: list[str]):
        found = {tuple(normalize(p).split()) for p in phrases if normalize(p)}
        self.by_length: dict[int, set[tuple[str, ...]]] = {}
        for phrase in found:
            self.by_length.setdefault(len(phrase), set()).add(phrase)
        self.longest = max(self.by_length, default=0)

    def _matches(self, words: list[str]) -> bool:
        phrases = self.by_length.get(len(words))
        if not phrases:
            return False
        if tuple(words) in phrases:
            return True
        forms = [_singulars(w) for w in words]
        return any(all(p in f for p, f in zip(phrase, forms, strict=True)) for phrase in phrases)

    def ends(self, words: list[str]) -> bool:
        """Do `words` end with one of the phrases?"""
        longest = min(self.longest, len(words))
        return any(self._matches(words[len(words) - n :]) for n in range(1, longest + 1))

    def starts_within(self, words: list[str], reach: int) -> bool:
        return any(
            self._matches(words[i : i + n])
            for i in range(min(reach, len(words)))
            for n in range(1, self.longest + 1)
            if i + n <= len(words)
        )

    def anywhere(self, words: list[str]) -> bool:
        return self.starts_within(words, len(words))


def _singulars(word: str) -> set[str]:
    forms = {word}
    if len(word) > 3 and word.endswith("s"):
        forms.add(word[:-1])
        if word.endswith("es"):
            forms.add(word[:-2])
    return forms


class NameConfirmer:
    """Decides, for one regex match inside a cell, whether it names a person in the data."""

    def __init__(
        self, patterns: NamePatterns, public: PublicLookalikes, settings: PersonalDataSettings
    ):
        self.titled = patterns.titled.python()
        self.candidates = patterns.union().python()
        self.places = Phrases([w for words in public.name_contexts.values() for w in words])
        self.officials = Phrases(public.official_titles)
        self.companies = Phrases(public.company_words)
        self.interrupters = frozenset(normalize(w) for w in public.interrupters)
        # Health terms, accents optional, as whole words: one RE2 pass over the named cells.
        self.health_re2 = Pattern(
            _alternation(settings.health_terms).replace("\\ ", " +"), "letter", ignore_case=True
        ).re2()

    def is_person(self, text: str, match: re.Match[str]) -> bool:
        return self.classify(text, match) == "persona"

    def is_person_in_place(self, text: str, match: re.Match[str]) -> bool:
        """In a column of places («Barrio», «Sede»), a name is the place's own unless a word
        that introduces a person comes first («casa de la señora Gómez»)."""
        return bool(self.titled.fullmatch(match.group())) and self.is_person(text, match)

    def classify(self, text: str, match: re.Match[str]) -> str:
        """persona · lugar (a place or institution) · funcionario (a public official) ·
        empresa (a company)."""
        after = normalize(text[match.end() :]).split()[:AFTER]
        if self.companies.starts_within(after, AFTER):
            return "empresa"
        start = match.start()
        previous = self._previous(text, start)
        if previous is not None:
            between = normalize(text[previous.end() : start]).split()
            if (
                not between or set(between) <= _CONNECTORS
            ):  # «barrios Alfonso López y Manuela Beltrán»
                return self.classify(text, previous)
            start_of_phrase = previous.end()
        else:
            start_of_phrase = 0
        before = text[start_of_phrase:start]
        cut = max((m.end() for m in _PHRASE_END.finditer(before)), default=0)
        return self._context(_WORD.findall(before[cut:].lower()))

    def _previous(self, text: str, start: int) -> re.Match[str] | None:
        found = None
        for candidate in self.candidates.finditer(text[:start]):
            found = candidate
        return found

    def _context(self, written: list[str]) -> str:
        """Walk back over the words before the name until a context or an interruption."""
        words = [normalize(w) for w in written]
        for seen in range(1, min(OFFICE_WINDOW, len(words)) + 1):
            head = words[: len(words) - seen + 1]
            if self.officials.ends(head):
                return "funcionario"
            if seen <= WINDOW and self.places.ends(head):
                return "lugar"
            word = words[len(words) - seen]
            verb = len(word) > 4 and _VERB.search(written[len(written) - seen])
            if word in self.interrupters or verb:
                return "persona"
        return "persona"


_COMPILED: dict[tuple[int, int, int], tuple[str, NameConfirmer]] = {}


def compiled(
    lists: NameLists, settings: PersonalDataSettings, public: PublicLookalikes
) -> tuple[str, NameConfirmer]:
    """The RE2 text of every candidate and the confirmer (with its Python patterns), built once
    per loaded list (lists are cached per file version)."""
    key = (id(lists), id(settings), id(public))
    if key not in _COMPILED:
        patterns = name_patterns(lists, settings.person_titles)
        _COMPILED[key] = (patterns.union().re2(), NameConfirmer(patterns, public, settings))
    return _COMPILED[key]
