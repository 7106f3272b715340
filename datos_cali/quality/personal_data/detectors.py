"""The value detectors: what each one looks for, how much it weighs, and how a match is confirmed.

A detector's regex finds candidates over whole columns (RE2); `confirm` then looks at one match in
Python — a check digit, a phone-numbering plan, a generic mailbox — so the regex can stay simple
and the expensive part runs only on the few cells that matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from datos_cali.quality import messages
from datos_cali.quality.personal_data import patterns
from datos_cali.quality.personal_data.patterns import Pattern
from datos_cali.quality.settings import PersonalDataSettings

Confirm = Callable[[str, "re.Match[str]"], bool]


@dataclass(frozen=True)
class Detector:
    id: str
    label: str  # Spanish plural, for messages («cédulas»)
    weight: int  # risk weight, as in the column dictionary
    pattern: Pattern
    confirm: Confirm


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def _cedula(_cell: str, match: re.Match[str]) -> bool:
    number = re.findall(r"[0-9][0-9.]*", match.group())[-1]
    digits = _digits(number)
    return 4 <= len(digits) <= 10 and digits.strip("0") != ""


def _person_nit(_cell: str, match: re.Match[str]) -> bool:
    """A valid NIT whose base is not a company's (companies: nine digits starting 8 or 9)."""
    from stdnum.co import nit

    digits = _digits(match.group())
    if not nit.is_valid(digits):
        return False
    base = digits[:-1]
    return not (len(base) == 9 and base[0] in "89")


def _phone(kind: str) -> Confirm:
    def confirm(_cell: str, match: re.Match[str]) -> bool:
        import phonenumbers

        digits = _digits(match.group())[-10:]
        try:
            number = phonenumbers.parse(digits, "CO")
        except phonenumbers.NumberParseException:
            return False
        if not phonenumbers.is_valid_number(number):
            return False
        found = phonenumbers.number_type(number)
        wanted = phonenumbers.PhoneNumberType
        if kind == "mobile":
            return found in (wanted.MOBILE, wanted.FIXED_LINE_OR_MOBILE)
        return found in (wanted.FIXED_LINE, wanted.FIXED_LINE_OR_MOBILE)

    return confirm


def _email(generic: frozenset[str]) -> Confirm:
    def confirm(_cell: str, match: re.Match[str]) -> bool:
        local = match.group().split("@", 1)[0].casefold()
        return local not in generic

    return confirm


def _always(_cell: str, _match: re.Match[str]) -> bool:
    return True


LABELS = {
    "cedula": messages.LABEL_CEDULA,
    "cedula_columna": messages.LABEL_CEDULA,
    "documento": messages.LABEL_DOCUMENT,
    "nit_persona": messages.LABEL_NIT,
    "celular": messages.LABEL_MOBILE,
    "telefono_fijo": messages.LABEL_LANDLINE,
    "correo": messages.LABEL_EMAIL,
    "direccion": messages.LABEL_ADDRESS,
    "nombre": messages.LABEL_NAME,
}
# Risk weights, as in the column dictionary: 3 identifies a person, 2 reaches them, 1 describes.
WEIGHTS = {
    "cedula": 3,
    "cedula_columna": 3,
    "documento": 3,
    "nit_persona": 3,
    "celular": 2,
    "telefono_fijo": 2,
    "correo": 2,
    "direccion": 2,
    "nombre": 1,
}


def value_detectors(settings: PersonalDataSettings) -> tuple[Detector, ...]:
    """Detectors that need digits, an @ or an address dash: they run after the prefilter."""
    generic = frozenset(m.casefold() for m in settings.generic_mailboxes)
    confirmers: dict[str, tuple[Pattern, Confirm]] = {
        "cedula": (patterns.CEDULA_WITH_CONTEXT, _cedula),
        "nit_persona": (patterns.NIT, _person_nit),
        "celular": (patterns.MOBILE, _phone("mobile")),
        "telefono_fijo": (patterns.LANDLINE, _phone("fixed")),
        "correo": (patterns.EMAIL, _email(generic)),
        "direccion": (patterns.ADDRESS, _always),
    }
    return tuple(
        Detector(key, LABELS[key], WEIGHTS[key], pattern, confirm)
        for key, (pattern, confirm) in confirmers.items()
    )
