"""The value detectors: what each one looks for, how much it weighs, and how a match is confirmed.

A detector's regex finds candidates over whole columns (RE2); `confirm` then looks at one match in
Python — a check digit, a phone-numbering plan, a public look-alike the office declared, an
amount of money, a reference number — so the regex can stay simple and the expensive part runs
only on the few cells that matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from datos_cali.quality import messages
from datos_cali.quality.personal_data import patterns
from datos_cali.quality.personal_data.lookalikes import Lookalikes, digits
from datos_cali.quality.personal_data.patterns import Pattern

Confirm = Callable[[str, "re.Match[str]"], bool]

PHONES = frozenset({"celular", "telefono_fijo"})


@dataclass(frozen=True)
class Detector:
    id: str
    label: str  # Spanish plural, for messages («cédulas»)
    weight: int  # risk weight, as in the column dictionary
    pattern: Pattern
    confirm: Confirm


def _cedula(public: Lookalikes) -> Confirm:
    def confirm(cell: str, match: re.Match[str]) -> bool:
        number = re.findall(r"[0-9][0-9 .,'\u2019\u00b4]*", match.group())[-1]
        found = digits(number)
        return (
            5 <= len(found) <= 10
            and found.strip("0") != ""
            and not public.reference(cell, match.start())
        )

    return confirm


def _person_nit(_cell: str, match: re.Match[str]) -> bool:
    """A valid NIT whose base is not a company's (companies: nine digits starting 8 or 9)."""
    from stdnum.co import nit

    found = digits(match.group())
    if not nit.is_valid(found):
        return False
    base = found[:-1]
    return not (len(base) == 9 and base[0] in "89")


_AMOUNT_REACH = 32


def _amount(cell: str, match: re.Match[str]) -> bool:
    """A number written as money: «$ 3000000000», «3000000000 pesos»."""
    # A few characters either side are all the patterns can use («presupuesto» + 3 is the
    # longest): slicing the whole rest of the cell for each number was quadratic in long cells.
    start, end = match.start(), match.end()
    return bool(
        patterns.AMOUNT_BEFORE.search(cell[max(0, start - _AMOUNT_REACH) : start])
        or patterns.AMOUNT_AFTER.search(cell[end : end + _AMOUNT_REACH])
    )


def _phone(kind: str, public: Lookalikes) -> Confirm:
    def confirm(cell: str, match: re.Match[str]) -> bool:
        import phonenumbers

        if _amount(cell, match) or public.reference(cell, match.start()):
            return False
        if public.public_phone(match.group()):
            return False
        number_digits = digits(match.group())[-10:]
        try:
            number = phonenumbers.parse(number_digits, "CO")
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


def _email(public: Lookalikes) -> Confirm:
    def confirm(_cell: str, match: re.Match[str]) -> bool:
        return not public.public_email(match.group())

    return confirm


def _address(public: Lookalikes) -> Confirm:
    def confirm(_cell: str, match: re.Match[str]) -> bool:
        return not public.public_address(match.group())

    return confirm


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
    "salud_con_nombre": messages.LABEL_HEALTH_WITH_NAME,
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
    "salud_con_nombre": 3,
}


def value_detectors(public: Lookalikes) -> tuple[Detector, ...]:
    """Detectors that need digits, an @ or an address: they run after the prefilter."""
    confirmers: dict[str, tuple[Pattern, Confirm]] = {
        "cedula": (patterns.CEDULA_WITH_CONTEXT, _cedula(public)),
        "nit_persona": (patterns.NIT, _person_nit),
        "celular": (patterns.MOBILE, _phone("mobile", public)),
        "telefono_fijo": (patterns.LANDLINE, _phone("fixed", public)),
        "correo": (patterns.EMAIL, _email(public)),
        "direccion": (patterns.ADDRESS, _address(public)),
    }
    return tuple(
        Detector(key, LABELS[key], WEIGHTS[key], pattern, confirm)
        for key, (pattern, confirm) in confirmers.items()
    )
