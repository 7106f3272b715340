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


# Great Expectations' expectation types, as an auditor reads them.
EXPECTATIONS = {
    "expect_column_values_to_be_of_type": "Tipo de dato",
    "expect_column_values_to_be_in_type_list": "Tipo de dato",
    "expect_column_values_to_not_be_null": "Sin celdas vacías",
    "expect_column_values_to_be_unique": "Sin valores repetidos",
    "expect_column_values_to_match_regex": "Formato (patrón)",
    "expect_column_values_to_be_in_set": "Solo valores de la lista permitida",
    "expect_column_values_to_not_be_in_set": "Ningún valor de la lista prohibida",
    "expect_column_values_to_be_between": "Dentro del rango permitido",
    "expect_column_value_lengths_to_be_between": "Longitud permitida",
    "expect_compound_columns_to_be_unique": "Combinación de columnas sin repetir",
    "expect_select_column_values_to_be_unique_within_record": "Sin repetir dentro de la fila",
    "expect_column_pair_values_a_to_be_greater_than_b": "Orden entre dos columnas",
    "expect_column_pair_values_A_to_be_greater_than_B": "Orden entre dos columnas",
    "expect_table_columns_to_match_set": "Columnas del contrato",
    "expect_table_row_count_to_be_between": "Cantidad de filas",
}


def expectation(kind: str) -> str:
    return EXPECTATIONS.get(kind, kind.removeprefix("expect_").replace("_", " "))


def size(count: int) -> str:
    """«15 KB», «1,2 MB»."""
    if count < 1024 * 1024:
        return f"{number(max(1, round(count / 1024)))} KB"
    return f"{number(count / 1024 / 1024, 1)} MB"
