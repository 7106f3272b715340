"""Numbers as a person in Cali reads them: «55.136», «0,52», «85,7 %»; «—» when undefined."""

from __future__ import annotations

DASH = "—"


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def decimal(value: float | None, places: int = 2) -> str:
    if value is None:
        return DASH
    whole = f"{value:,.{places}f}"
    return whole.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(share: float | None) -> str:
    """A share (0–1) as a percentage."""
    return DASH if share is None else f"{decimal(100 * share, 1)} %"


def quantity(count: int, singular: str, plural: str | None = None) -> str:
    """«1 fila», «1.320 filas»: the noun agrees with the number (`plural` when not just +s)."""
    return f"{number(count)} {singular if count == 1 else (plural or singular + 's')}"


def agree(forms: tuple[str, str], count: int, **values: object) -> str:
    """The singular or the plural sentence for `count` (`{count}` in it, written as people
    read it): message constants that count something are a (singular, plural) pair."""
    return forms[0 if count == 1 else 1].format(count=number(count), **values)
