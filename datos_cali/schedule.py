"""When a dataset is due, and the cron schedule its declared frequency implies (America/Bogota)."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable

from datos_cali.catalog.models import Dataset, Frequency

HOUR = 6  # before the working day, after overnight exports

_CRON_TAIL = {
    Frequency.DIARIA: "* * *",
    Frequency.SEMANAL: "* * 1",
    Frequency.QUINCENAL: "1,16 * *",
    Frequency.MENSUAL: "5 * *",
    Frequency.BIMESTRAL: "5 1,3,5,7,9,11 *",
    Frequency.TRIMESTRAL: "5 1,4,7,10 *",
    Frequency.CUATRIMESTRAL: "5 1,5,9 *",
    Frequency.SEMESTRAL: "5 1,7 *",
    Frequency.ANUAL: "15 1 *",
    Frequency.BIENAL: "15 1 *",  # cron cannot say "every other year": the flow skips off years
}


def cron_for(dataset: Dataset) -> str | None:
    """A cron line for the dataset's frequency; minutes spread by slug so runs do not pile up."""
    tail = _CRON_TAIL.get(dataset.frequency)
    if tail is None:
        return None
    minute = zlib.crc32(dataset.slug.encode()) % 60
    return f"{minute} {HOUR} {tail}"


def is_due(dataset: Dataset, last_success: dt.datetime | None, now: dt.datetime) -> bool:
    """Never published, or the declared period has passed since the last good run."""
    if last_success is None:
        return True
    period = dataset.frequency.period
    if period is None:
        return False
    return now - last_success >= period - dt.timedelta(hours=12)


def due(
    datasets: Iterable[Dataset], last_success: dict[str, dt.datetime], now: dt.datetime
) -> list[str]:
    return sorted(d.slug for d in datasets if is_due(d, last_success.get(d.slug), now))
