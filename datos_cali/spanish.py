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
