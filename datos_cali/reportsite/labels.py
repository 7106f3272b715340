"""The site's words and number formats: every label an auditor reads, in plain Spanish.

Times are shown in the office's time zone (America/Bogota, UTC−5 all year) and numbers the way
people in Colombia write them: a dot between thousands and a comma before decimals.
"""

from __future__ import annotations

from datetime import datetime

from datos_cali.explain import KIND_NAMES, evidence_label
from datos_cali.outcomes import NO_TARGET, Outcome
from datos_cali.outcomes import VERDICT_ORDER as _VERDICTS
from datos_cali.settings import OFFICE_ZONE

NO_RUNS = "Sin ejecuciones"
# Verdicts as stored values (the templates compare them with ledger rows), in the site's order.
VERDICT_ORDER = tuple(o.value for o in _VERDICTS)
VERDICT_HELP = {o.value: o.help for o in Outcome}

KINDS = {kind.value: name for kind, name in KIND_NAMES.items()}
SEVERITIES = {
    "block": "Impide publicar",
    "warn": "Advertencia",
    "info": "Informativo",
}
TARGET_NONE = "Ninguno (antes de elegir portal)"
SOURCE_KINDS = {
    "inbox": "bandeja de entrada",
    "url": "dirección web",
    "sql": "consulta SQL",
    "socrata": "otro portal Socrata",
    "ckan": "otro portal CKAN",
    "file": "archivo fijo",
}


def outcome(value: str | None) -> str:
    try:
        return Outcome(value).title
    except ValueError:
        return NO_RUNS


def target(value: str) -> str:
    return TARGET_NONE if value == NO_TARGET else value


def kind(value: str | None) -> str:
    return KINDS.get(value or "", value or "—")


def severity(value: str | None) -> str:
    return SEVERITIES.get(value or "", value or "—")


def number(value: float | int | None, decimals: int = 0) -> str:
    """`12.345` or `9,6`; an em dash when there is nothing to show."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def score(value: float | None) -> str:
    return number(value, 1)


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(OFFICE_ZONE) if moment is not None else None


def when(moment: datetime | None) -> str:
    """`2021-03-15 08:30:05` in Colombian time."""
    return local(moment).strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "—"


def minute(moment: datetime | None) -> str:
    """`2021-03-15 08:30`: short enough for a chart's axis."""
    return local(moment).strftime("%Y-%m-%d %H:%M") if moment is not None else "—"


def day(moment: datetime | None) -> str:
    return local(moment).strftime("%Y-%m-%d") if moment is not None else "—"


def iso(moment: datetime | None) -> str:
    """The machine-readable instant for `<time datetime>`."""
    return local(moment).isoformat(timespec="seconds") if moment is not None else ""


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{number(seconds, 2)} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def evidence_name(key: str) -> str:
    """Evidence keys are snake_case Spanish (`titulo_sin_anio`): shown as words, accented."""
    return evidence_label(key)
