"""Daily usage from cumulative readings: what each reading added since the one before.

Rules, chosen so that the sum of the deltas of an asset always equals its counter today:

- **First reading** of an asset: its whole counter counts on that day (usage from before the
  collection started, or from before the first reading, has no better day to go to).
- **Missing days**: the increase between two readings counts on the day of the later reading,
  the day it was observed; `previous_day` tells how many days it covers. Nothing is spread over
  days for which there is no evidence.
- **Counter resets** (a counter lower than in the previous reading: the portal recreated or
  reset the asset): the new value is the usage since the reset, so it is the delta. A delta is
  never negative. Views and downloads are treated independently.
- **Double collection** never reaches this module: the store keeps one reading per day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from datos_cali.usage.snapshots import Snapshot


@dataclass(frozen=True)
class DailyUsage:
    """Views and downloads one asset gained as of one reading."""

    portal: str
    target: str
    asset_id: str
    dataset: str
    organismo: str
    day: dt.date
    views: int
    downloads: int
    previous_day: dt.date | None  # the reading it is measured from; None for the first one
    reset: bool = False  # a counter went down since the previous reading

    @property
    def days_covered(self) -> int | None:
        return None if self.previous_day is None else (self.day - self.previous_day).days


def increase(previous: int, current: int) -> int:
    """What a cumulative counter gained; after a reset the whole new value is the gain."""
    return current if current < previous else current - previous


def daily_usage(snapshots: Iterable[Snapshot]) -> list[DailyUsage]:
    """One delta per reading, by portal, asset and day."""
    ordered = sorted(snapshots, key=lambda s: (s.portal, s.asset_id, s.day))
    found: list[DailyUsage] = []
    for _, series in groupby(ordered, key=lambda s: (s.portal, s.asset_id)):
        previous: Snapshot | None = None
        for reading in series:
            found.append(_delta(previous, reading))
            previous = reading
    return found


def _delta(previous: Snapshot | None, reading: Snapshot) -> DailyUsage:
    common = {
        "portal": reading.portal,
        "target": reading.target,
        "asset_id": reading.asset_id,
        "dataset": reading.dataset,
        "organismo": reading.organismo,
        "day": reading.day,
    }
    if previous is None:
        return DailyUsage(
            **common, views=reading.views, downloads=reading.downloads, previous_day=None
        )
    return DailyUsage(
        **common,
        views=increase(previous.views, reading.views),
        downloads=increase(previous.downloads, reading.downloads),
        previous_day=previous.day,
        reset=reading.views < previous.views or reading.downloads < previous.downloads,
    )
