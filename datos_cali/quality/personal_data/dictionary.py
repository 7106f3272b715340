"""Personal data by column name: the Spanish dictionary in `quality/datos_personales.yaml`.

Names are compared word by word after normalising («Número_de_Cédula» → numero de cedula,
«NumeroDocumento» → numero documento), so «cc» matches «cc_paciente» but not «acceso», and
«tipo_documento» is excluded by its «tipo». A group with `person_words` («nombre») matches a
term followed by other words only when one of them is a person: «Nombre del paciente» is a
person's name, «Nombre de fondo» and «Nombre del proyecto» are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from datos_cali.quality.settings import PersonalDataSettings, TermGroup
from datos_cali.reading.headers import normalize


@dataclass(frozen=True)
class NameMatch:
    category: str  # identificador, contacto, nombre, demografico, or a sensitive category
    weight: int
    term: str
    sensitive: bool


@dataclass(frozen=True)
class _Group:
    category: str
    weight: int
    terms: tuple[tuple[str, ...], ...]
    unless: frozenset[str]
    sensitive: bool
    person_words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, group: TermGroup, sensitive: bool) -> _Group:
        terms = tuple(tuple(normalize(t).split()) for t in group.terms)
        return cls(
            group.category,
            group.weight,
            terms,
            frozenset(map(normalize, group.unless)),
            sensitive,
            frozenset(map(normalize, group.person_words)),
        )

    def qualified(self, words: list[str], term: tuple[str, ...]) -> bool:
        """With `person_words`: each place the term appears must be alone at the end or followed
        by a person word («nombre del paciente»), not by a thing («nombre del fondo»)."""
        if not self.person_words:
            return True
        size = len(term)
        for i in range(len(words) - size + 1):
            if tuple(words[i : i + size]) != term:
                continue
            rest = [w for w in words[i + size :] if w not in _LINKS]
            if not rest or self.person_words.intersection(rest) or _any_term(rest, self.terms):
                return True
        return False


_LINKS = frozenset({"de", "del", "la", "el", "los", "las", "y", "o", "e", "su", "sus"})


def _any_term(words: list[str], terms: tuple[tuple[str, ...], ...]) -> bool:
    return any(contains(words, term) for term in terms)


_CAMEL = re.compile(r"(?<=[a-záéíóúñ])(?=[A-ZÁÉÍÓÚÑ])")


def words(name: str) -> list[str]:
    """A column name as lower-case ASCII words, camelCase split: «RangoEdad» → rango, edad."""
    return normalize(_CAMEL.sub(" ", name)).split()


def contains(words: list[str], term: tuple[str, ...] | list[str]) -> bool:
    size = len(term)
    term = tuple(term)
    return any(tuple(words[i : i + size]) == term for i in range(len(words) - size + 1))


class Dictionary:
    """The dictionary with its terms normalised once; sensitive categories are tried first."""

    def __init__(self, settings: PersonalDataSettings):
        self.tiers = (
            [_Group.of(g, sensitive=True) for g in settings.sensitive],
            [_Group.of(g, sensitive=False) for g in settings.columns],
        )

    def match(self, name: str) -> NameMatch | None:
        found = words(name)
        for groups in self.tiers:
            best: NameMatch | None = None
            for group in groups:
                if group.unless.intersection(found):
                    continue
                for term in group.terms:
                    if (
                        contains(found, term)
                        and group.qualified(found, term)
                        and (best is None or len(term) > len(best.term.split()))
                    ):
                        best = NameMatch(
                            group.category, group.weight, " ".join(term), group.sensitive
                        )
            if best:
                return best
        return None


class Terms:
    """A list of words or phrases looked for, as whole words, in column names."""

    def __init__(self, terms: list[str]):
        self.terms = [tuple(normalize(term).split()) for term in terms]

    def in_name(self, name: str) -> bool:
        found = words(name)
        return any(contains(found, term) for term in self.terms)
