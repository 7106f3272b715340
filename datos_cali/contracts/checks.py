"""Custom pandera checks, registered so schemas in YAML can name them and round-trip.

Each returns a boolean Series (True = passes); nulls pass, `nullable` is checked separately.
Their parameters and Spanish descriptions are declared in `datos_cali.contracts.rules`, which
the schema loader checks every schema against.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.extensions as extensions

from datos_cali.contracts.rules import SPANISH_NAMES
from datos_cali.reading.headers import normalize

__all__ = ["SPANISH_NAMES", "column_ge", "comuna_cali", "document_number", "not_in_future"]

CALI_COMUNAS = [f"Comuna {n}" for n in range(1, 23)]
CALI_CORREGIMIENTOS = [
    "El Hormiguero", "El Saladito", "Felidia", "Golondrinas", "La Buitrera", "La Castilla",
    "La Elvira", "La Leonera", "La Paz", "Los Andes", "Montebello", "Navarro", "Pance",
    "Pichindé", "Villacarmelo",
]  # fmt: skip


def _known_places(rural: bool) -> set[str]:
    places = {normalize(c) for c in CALI_COMUNAS}
    if rural:
        places |= {normalize(f"Rural - {c}") for c in CALI_CORREGIMIENTOS}
        places |= {normalize(c) for c in CALI_CORREGIMIENTOS}
    return places


@extensions.register_check_method(statistics=["rural"], check_type="vectorized")
def comuna_cali(series: pd.Series, *, rural: bool) -> pd.Series:
    """One of Cali's 22 comunas, or (when `rural`) one of its 15 corregimientos."""
    known = _known_places(rural)
    unknown = [v for v in series.dropna().unique() if normalize(str(v)) not in known]
    return ~series.isin(unknown)  # vectorised: only the distinct values went through Python


@extensions.register_check_method(statistics=["tolerance_days"], check_type="vectorized")
def not_in_future(series: pd.Series, *, tolerance_days: int) -> pd.Series:
    """Dates of past events cannot be after today (plus a tolerance for time zones and lag)."""
    limit = dt.date.today() + dt.timedelta(days=tolerance_days)
    values = series.astype("datetime64[ns]") if series.dtype.kind != "M" else series
    return (values.dt.date <= limit) | series.isna()


@extensions.register_check_method(
    statistics=["type_column", "number_column"], supported_types=pd.DataFrame
)
def document_number(frame: pd.DataFrame, *, type_column: str, number_column: str) -> pd.Series:
    """NIT numbers carry a valid check digit (python-stdnum); CC numbers are 3–10 digits."""
    from stdnum.co import nit

    kinds = frame[type_column].astype("string").str.upper().str.replace(".", "", regex=False)
    numbers = frame[number_column].astype("string")
    digits = numbers.str.replace(r"[\s.\-]", "", regex=True)
    is_nit = kinds == "NIT"
    nit_ok = numbers[is_nit.fillna(False)].map(lambda value: nit.is_valid(value))
    cc_ok = digits.str.fullmatch(r"[0-9]{3,10}")
    result = cc_ok.where(~is_nit.fillna(False), nit_ok.reindex(frame.index))
    return result.fillna(True).astype(bool) | numbers.isna()


@extensions.register_check_method(statistics=["column", "other"], supported_types=pd.DataFrame)
def column_ge(frame: pd.DataFrame, *, column: str, other: str) -> pd.Series:
    """Cross-field order, e.g. an end date not before its start date."""
    left, right = frame[column], frame[other]
    either_missing = left.isna() | right.isna()
    return either_missing | (left >= right).fillna(True).astype(bool)
