"""Each organismo's compliance: its opening plan, datasets kept current, new and updated ones.

All figures of a year are taken **as of its close** (the end of 31 December, America/Bogota),
or as of now for the current year, using only what the ledger held by then — so the report of a
closed year does not change when a late dataset is published the following year.

- **Plan** (the anti-corruption plan's indicator, target 100 %): a committed dataset is
  «publicado» once a portal confirmed it (a `published` run in the ledger, any portal), and
  «a tiempo» if that first happened on or before its target date. Not published: «vencido»
  once the target date has passed, else «pendiente».
- **Currency**: every catalog dataset of the organismo is «al día», «desactualizado» (the
  declared frequency says an update is due: `schedule.is_due` on the last confirmation, the
  same rule the sweep uses) or «sin publicar».
- **New versus updated** in the year: a dataset whose first publication ever falls in the year
  is new (even if published again later that year); one first published before and published
  again in the year is updated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from datos_cali.catalog import Catalog
from datos_cali.compliance.history import (
    Publication,
    first_publications,
    first_run,
    last_successes,
    load_history,
    until,
)
from datos_cali.schedule import is_due
from datos_cali.settings import OFFICE_ZONE

ZONE = OFFICE_ZONE
OVERALL = "total"
OVERALL_NAME = "Todos los organismos"


class Status(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    PENDING = "pending"


STATUS_ES = {
    Status.ON_TIME: "publicado a tiempo",
    Status.LATE: "publicado después de la fecha",
    Status.OVERDUE: "vencido sin publicar",
    Status.PENDING: "pendiente",
}


@dataclass(frozen=True)
class Commitment:
    """One dataset of an organismo's plan, and how it stands."""

    organismo: str
    dataset: str
    title: str
    due: dt.date
    first_published: dt.date | None
    status: Status

    @property
    def published(self) -> bool:
        return self.status in (Status.ON_TIME, Status.LATE)

    def to_dict(self) -> dict:
        return {
            "organismo": self.organismo,
            "dataset": self.dataset,
            "title": self.title,
            "due": self.due.isoformat(),
            "first_published": _iso(self.first_published),
            "status": self.status.value,
            "published": self.published,
        }


@dataclass(frozen=True)
class Stale:
    """A dataset whose declared frequency says it should have been updated by now."""

    dataset: str
    title: str
    frequency: str
    last_success: dt.datetime
    days_late: int

    def to_dict(self) -> dict:
        return {**self.__dict__, "last_success": self.last_success.isoformat()}


@dataclass
class OrganismoCompliance:
    slug: str
    name: str
    commitments: list[Commitment] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    stale: list[Stale] = field(default_factory=list)
    never_published: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def committed(self) -> int:
        return len(self.commitments)

    @property
    def published(self) -> int:
        return sum(c.published for c in self.commitments)

    @property
    def on_time(self) -> int:
        return sum(c.status == Status.ON_TIME for c in self.commitments)

    @property
    def share_published(self) -> float | None:
        """The plan's indicator (target 1.0); None when nothing was committed."""
        return self.published / self.committed if self.committed else None

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.committed if self.committed else None

    def to_dict(self) -> dict:
        return {
            "organismo": self.slug,
            "name": self.name,
            "committed": self.committed,
            "published": self.published,
            "on_time": self.on_time,
            "share_published": self.share_published,
            "share_on_time": self.share_on_time,
            "commitments": [c.to_dict() for c in self.commitments],
            "current": self.current,
            "stale": [s.to_dict() for s in self.stale],
            "never_published": self.never_published,
            "new": self.new,
            "updated": self.updated,
        }


@dataclass
class ComplianceReport:
    year: int
    as_of: dt.datetime  # figures include what happened before this moment
    organismos: list[OrganismoCompliance]
    overall: OrganismoCompliance
    first_run: dt.datetime | None = None  # the ledger's first run, of any outcome

    @property
    def recorded(self) -> bool:
        """The ledger holds runs from before the year's close: its figures can be measured.
        Unknown (no `first_run` given) counts as recorded."""
        return self.first_run is None or self.first_run < self.as_of

    @property
    def catalog_size(self) -> int:
        total = self.overall
        return len(total.current) + len(total.stale) + len(total.never_published)

    @property
    def cut_day(self) -> dt.date:
        return cut_day(self.as_of)

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "cut_day": self.cut_day.isoformat(),
            "overall": self.overall.to_dict(),
            "organismos": [o.to_dict() for o in self.organismos],
            "recorded": self.recorded,
            "first_run": self.first_run.isoformat() if self.first_run else None,
        }


def plan_years(catalog: Catalog) -> list[int]:
    return sorted({year for o in catalog.organismos.values() for year in o.plan})


def default_year(catalog: Catalog, now: dt.datetime) -> int:
    """This year if some organismo has a plan for it, else the latest planned year before it."""
    this_year = now.astimezone(ZONE).year
    years = plan_years(catalog)
    past = [y for y in years if y <= this_year]
    if this_year in years or not years:
        return this_year
    return past[-1] if past else years[0]


def year_close(year: int, now: dt.datetime) -> dt.datetime:
    """The moment a year's figures are taken at: its end (the first instant of the next year,
    excluded), or now if it is not over."""
    return min(now, dt.datetime(year + 1, 1, 1, tzinfo=ZONE))


def cut_day(as_of: dt.datetime) -> dt.date:
    """The last office day the figures include."""
    return (as_of - dt.timedelta(microseconds=1)).astimezone(ZONE).date()


def compliance_report(
    catalog: Catalog, history: Iterable[Publication], year: int, now: dt.datetime
) -> ComplianceReport:
    as_of = year_close(year, now)
    known = until(history, as_of)
    first = first_publications(known)
    organismos = {
        slug: OrganismoCompliance(slug, organismo.name)
        for slug, organismo in catalog.organismos.items()
    }

    def of(slug: str) -> OrganismoCompliance:
        return organismos.setdefault(slug, OrganismoCompliance(slug, slug))

    for slug, organismo in catalog.organismos.items():
        for item in organismo.plan.get(year, []):
            of(slug).commitments.append(_commitment(catalog, slug, item, first, as_of))
    last = last_successes(known)
    for slug, dataset in sorted(catalog.datasets.items()):
        entry = of(dataset.organismo)
        seen = last.get(slug)
        if seen is None:
            entry.never_published.append(slug)
        elif is_due(dataset, seen, as_of):
            entry.stale.append(_stale(dataset, seen, as_of))
        else:
            entry.current.append(slug)
    start = dt.datetime(year, 1, 1, tzinfo=ZONE)
    owners = {p.dataset: p.organismo for p in known}
    owners.update({slug: d.organismo for slug, d in catalog.datasets.items()})
    for slug in sorted({p.dataset for p in known if p.published and p.at >= start}):
        entry = of(owners[slug])
        (entry.new if first[slug] >= start else entry.updated).append(slug)
    listed = list(organismos.values())
    return ComplianceReport(year, as_of, listed, _overall(listed))


def _commitment(catalog, organismo, item, first, as_of) -> Commitment:
    dataset = catalog.datasets.get(item.dataset)
    published_at = first.get(item.dataset)
    published = published_at.astimezone(ZONE).date() if published_at else None
    if published is not None:
        status = Status.ON_TIME if published <= item.due else Status.LATE
    else:
        deadline = dt.datetime.combine(item.due + dt.timedelta(days=1), dt.time(), ZONE)
        status = Status.OVERDUE if deadline <= as_of else Status.PENDING
    return Commitment(
        organismo=organismo,
        dataset=item.dataset,
        title=dataset.title if dataset else item.dataset,
        due=item.due,
        first_published=published,
        status=status,
    )


def _stale(dataset, last_success: dt.datetime, as_of: dt.datetime) -> Stale:
    late = as_of - (last_success + dataset.frequency.period)
    return Stale(
        dataset=dataset.slug,
        title=dataset.title,
        frequency=dataset.frequency.value,
        last_success=last_success,
        days_late=max(0, late.days),
    )


def _overall(organismos: list[OrganismoCompliance]) -> OrganismoCompliance:
    total = OrganismoCompliance(OVERALL, OVERALL_NAME)
    for entry in organismos:
        total.commitments += entry.commitments
        total.current += entry.current
        total.stale += entry.stale
        total.never_published += entry.never_published
        total.new += entry.new
        total.updated += entry.updated
    return total


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def compliance_from_ledger(
    ledger, catalog: Catalog, year: int | None = None, now: dt.datetime | None = None
) -> ComplianceReport:
    """The report of `year` (default: `default_year`) from the ledger (a Ledger or its engine)."""
    moment = now or dt.datetime.now(dt.UTC)
    chosen = year if year is not None else default_year(catalog, moment)
    report = compliance_report(catalog, load_history(ledger), chosen, moment)
    report.first_run = first_run(ledger)
    return report
