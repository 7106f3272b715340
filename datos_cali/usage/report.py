"""The usage report: visits and downloads per dataset, organismo, portal, month and year.

Built from the daily deltas (see `deltas`), so every total is a sum of counter increases and the
report for a closed period never changes. «Visitas» are the portal's page views of the
dataset; «descargas» its exports. A dataset published on two portals adds both.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from datos_cali.catalog import Catalog
from datos_cali.usage.deltas import DailyUsage, daily_usage
from datos_cali.usage.snapshots import UsageStore

TOP = 10
IMPORTED = "importado@"  # the portal key of readings imported from monthly figures
MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip
GROUPS_ES = {
    "portal": "portal",
    "dataset": "conjunto",
    "organismo": "organismo",
    "month": "mes",
    "year": "año",
}


@dataclass(frozen=True)
class UsageLine:
    """Visits and downloads of one group (a dataset, an organismo, a month…)."""

    key: str
    label: str
    views: int
    downloads: int
    organismo: str | None = None  # for dataset lines

    @property
    def downloads_per_visit(self) -> float | None:
        return self.downloads / self.views if self.views else None

    def to_dict(self) -> dict:
        return {**asdict(self), "downloads_per_visit": self.downloads_per_visit}


@dataclass
class UsageReport:
    year: int | None
    first_day: dt.date | None  # first and last reading in the report
    last_day: dt.date | None
    total: UsageLine
    by_portal: list[UsageLine] = field(default_factory=list)
    by_dataset: list[UsageLine] = field(default_factory=list)
    by_organismo: list[UsageLine] = field(default_factory=list)
    by_month: list[UsageLine] = field(default_factory=list)
    by_year: list[UsageLine] = field(default_factory=list)
    resets: int = 0  # readings where a counter went down (the portal reset it)
    imported_days: int = 0  # of the days read, those imported from monthly figures
    readings_from: dt.date | None = None  # the first reading stored, whatever the year

    @property
    def empty(self) -> bool:
        return self.first_day is None

    def top(self, by: str = "views", count: int = TOP) -> list[UsageLine]:
        """The most visited (or downloaded) datasets; ties by identifier."""
        ranked = sorted(self.by_dataset, key=lambda line: (-getattr(line, by), line.key))
        return [line for line in ranked if getattr(line, by) > 0][:count]

    def groups(self) -> dict[str, list[UsageLine]]:
        return {
            "portal": self.by_portal,
            "dataset": self.by_dataset,
            "organismo": self.by_organismo,
            "month": self.by_month,
            "year": self.by_year,
        }

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "first_day": _iso(self.first_day),
            "last_day": _iso(self.last_day),
            "total": self.total.to_dict(),
            **{
                f"by_{name}": [line.to_dict() for line in lines]
                for name, lines in self.groups().items()
            },
            "top_views": [line.to_dict() for line in self.top("views")],
            "top_downloads": [line.to_dict() for line in self.top("downloads")],
            "resets": self.resets,
            "imported_days": self.imported_days,
        }

    def csv_rows(self) -> list[dict]:
        """One row per group and key (Spanish headers), for a spreadsheet."""
        rows = []
        for name, lines in {"total": [self.total], **self.groups()}.items():
            for line in lines:
                ratio = line.downloads_per_visit
                rows.append(
                    {
                        "agrupacion": GROUPS_ES.get(name, name),
                        "clave": line.key,
                        "nombre": line.label,
                        "organismo": line.organismo or "",
                        "visitas": line.views,
                        "descargas": line.downloads,
                        "descargas_por_visita": "" if ratio is None else f"{ratio:.4f}",
                    }
                )
        return rows


def month_label(key: str) -> str:
    """«2021-03» → «marzo de 2021»."""
    year, month = key.split("-")
    return f"{MONTHS_ES[int(month) - 1]} de {year}"


def build_usage_report(
    deltas: Iterable[DailyUsage], catalog: Catalog, year: int | None = None
) -> UsageReport:
    """Aggregate the daily deltas (of `year`, when given)."""
    chosen = [d for d in deltas if year is None or d.day.year == year]
    titles = {slug: d.title for slug, d in catalog.datasets.items()}
    names = {slug: o.name for slug, o in catalog.organismos.items()}
    organismo_of = {d.dataset: d.organismo for d in chosen}
    days = sorted({d.day for d in chosen})
    return UsageReport(
        year=year,
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        total=_sum(chosen, "total", "Total"),
        by_portal=_lines(chosen, lambda d: d.target, str),
        by_dataset=[
            UsageLine(**{**asdict(line), "organismo": organismo_of[line.key]})
            for line in _lines(chosen, lambda d: d.dataset, lambda s: titles.get(s, s))
        ],
        by_organismo=_lines(chosen, lambda d: d.organismo, lambda s: names.get(s, s)),
        by_month=_months(chosen),
        by_year=_lines(chosen, lambda d: str(d.day.year), str, chronological=True),
        resets=sum(d.reset for d in chosen),
        imported_days=len({(d.portal, d.day) for d in chosen if d.portal.startswith(IMPORTED)}),
    )


def usage_report(ledger, catalog: Catalog, year: int | None = None) -> UsageReport:
    """The report from the stored snapshots (`ledger`: the open Ledger or its engine)."""
    store = UsageStore(ledger)
    until = dt.date(year, 12, 31) if year else None
    report = build_usage_report(daily_usage(store.snapshots(until=until)), catalog, year)
    report.readings_from = store.first_day()
    return report


def _sum(deltas: list[DailyUsage], key: str, label: str) -> UsageLine:
    return UsageLine(key, label, sum(d.views for d in deltas), sum(d.downloads for d in deltas))


def _lines(
    deltas: list[DailyUsage],
    key_of: Callable[[DailyUsage], str],
    label_of: Callable[[str], str],
    *,
    chronological: bool = False,
) -> list[UsageLine]:
    """Lines by most visited first (or by key, for periods)."""
    groups: dict[str, list[DailyUsage]] = defaultdict(list)
    for delta in deltas:
        groups[key_of(delta)].append(delta)
    lines = [_sum(items, key, label_of(key)) for key, items in groups.items()]
    if chronological:
        return sorted(lines, key=lambda line: line.key)
    return sorted(lines, key=lambda line: (-line.views, -line.downloads, line.key))


def _months(deltas: list[DailyUsage]) -> list[UsageLine]:
    """Every month from the first reading to the last, with zeros where nothing was gained."""
    if not deltas:
        return []
    found = {line.key: line for line in _lines(deltas, lambda d: f"{d.day:%Y-%m}", month_label)}
    first, last = min(d.day for d in deltas), max(d.day for d in deltas)
    keys, cursor = [], first.replace(day=1)
    while cursor <= last:
        keys.append(f"{cursor:%Y-%m}")
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return [found.get(key, UsageLine(key, month_label(key), 0, 0)) for key in keys]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
