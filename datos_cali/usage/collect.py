"""Read every published dataset's usage counters from its portals and store the day's snapshot.

Only the portal interface is used (`Portal.usage`), so each adapter decides how to read them:
Socrata through the Discovery API (100 assets a request), CKAN through its tracking summary.
A dataset counts as published on a target when it has an asset id there: the catalog's
`targets[].asset_id` when set (as the publishing engine does), else the one the engine
remembered in the publication state.

One portal failing does not stop the others: what could be read is stored, then
`CollectionFailed` says what could not. Collecting again is safe (one snapshot per day).

An asset whose portal keeps no usage counters (CKAN without its tracking plugin) gets no
reading — a zero would say nobody used it — and is listed in `Readings.untracked`, shown as
«sin seguimiento»; its usage comes from the web server's logs (`usage.accesslogs`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from datos_cali.catalog import Catalog
from datos_cali.catalog.models import PortalName
from datos_cali.portals.base import Portal, PortalError, Usage
from datos_cali.portals.session import PortalSession
from datos_cali.portals.state import PublicationState
from datos_cali.usage.snapshots import Snapshot, UsageStore, office_day

PORTAL_UNAVAILABLE = "No se pudo abrir el portal {target} para leer el uso: {reason}"
PORTAL_READ_FAILED = "No se pudo leer el uso en {target}: {reason}"
READ_FAILED = "No se pudo leer el uso de «{dataset}» en {target} ({asset_id}): {reason}"
PARTIAL = "La lectura de uso quedó incompleta: {count} problema(s). {first}"


@dataclass(frozen=True)
class Asset:
    dataset: str
    organismo: str
    asset_id: str


@dataclass(frozen=True)
class Failure:
    target: str
    message: str
    transient: bool
    dataset: str | None = None


class Readings(list):
    """The readings taken (a list of `Snapshot`), and the assets whose portal tracks no usage."""

    def __init__(self, snapshots=(), untracked=()):
        super().__init__(snapshots)
        self.untracked: list[Untracked] = list(untracked)


@dataclass(frozen=True)
class Untracked:
    dataset: str
    target: str
    asset_id: str


class CollectionFailed(Exception):
    """Some counters could not be read; the others were stored (`snapshots`)."""

    def __init__(self, snapshots: list[Snapshot], failures: list[Failure]):
        super().__init__(PARTIAL.format(count=len(failures), first=failures[0].message))
        self.snapshots = snapshots
        self.failures = failures

    @property
    def transient(self) -> bool:
        return all(f.transient for f in self.failures)


def collect(session: PortalSession, ledger, catalog: Catalog, now: dt.datetime) -> list[Snapshot]:
    """Read and store today's counters of every published dataset on every target.

    `ledger` is the open `Ledger` (or its engine). Returns the readings taken, each marked
    `kept` or not (not: the day already had a reading). Raises `CollectionFailed` after storing
    what it could when a portal or an asset could not be read.
    """
    day = office_day(now)
    store = UsageStore(ledger)
    snapshots = Readings()
    failures: list[Failure] = []
    for target in _targets(catalog):
        taken, untracked, failed = _collect_target(session, catalog, target, day, now)
        snapshots += store.add(taken)
        snapshots.untracked += untracked
        failures += failed
    snapshots.sort(key=lambda s: (s.dataset, s.target))
    snapshots.untracked.sort(key=lambda u: (u.dataset, u.target))
    if failures:
        raise CollectionFailed(snapshots, failures)
    return snapshots


def published_assets(catalog: Catalog, target: str, state: PublicationState) -> list[Asset]:
    """The catalog's datasets that have an asset on `target`, by slug."""
    found = []
    for slug, dataset in sorted(catalog.datasets.items()):
        entry = next((t for t in dataset.targets if t.portal == target), None)
        if entry is None:
            continue
        asset_id = entry.asset_id or state.asset_id(slug)
        if asset_id:
            found.append(Asset(slug, dataset.organismo, asset_id))
    return found


def _targets(catalog: Catalog) -> list[str]:
    """The portals the catalog publishes to: the city's two first, then any other by name."""
    used = {t.portal for d in catalog.datasets.values() for t in d.targets}
    return [p.value for p in PortalName if p in used] + sorted(used - set(PortalName))


def _collect_target(
    session: PortalSession, catalog: Catalog, target: str, day: dt.date, now: dt.datetime
) -> tuple[list[Snapshot], list[Untracked], list[Failure]]:
    try:
        portal = session.open(target)
    except Exception as exc:  # an adapter that cannot start (not installed, bad settings)
        reason = str(exc) or type(exc).__name__
        message = PORTAL_UNAVAILABLE.format(target=target, reason=reason)
        return [], [], [Failure(target, message, transient=False)]
    try:
        assets = published_assets(catalog, target, PublicationState(session.state_dir, portal.key))
        counters, failures = _read(portal, target, assets)
    finally:
        portal.close()
    snapshots = [
        Snapshot(
            portal=portal.key,
            target=target,
            asset_id=asset.asset_id,
            dataset=asset.dataset,
            organismo=asset.organismo,
            day=day,
            views=counters[asset.asset_id].views,
            downloads=counters[asset.asset_id].downloads,
            collected_at=now,
        )
        for asset in assets
        if asset.asset_id in counters and counters[asset.asset_id].tracked
    ]
    untracked = [
        Untracked(asset.dataset, target, asset.asset_id)
        for asset in assets
        if asset.asset_id in counters and not counters[asset.asset_id].tracked
    ]
    return snapshots, untracked, failures


def _read(
    portal: Portal, target: str, assets: Sequence[Asset]
) -> tuple[dict[str, Usage], list[Failure]]:
    """All assets in one call; if that fails for good, one by one, so one missing asset (deleted
    on the portal) does not hide the usage of the others."""
    if not assets:
        return {}, []
    ids = list(dict.fromkeys(a.asset_id for a in assets))
    try:
        return portal.usage(ids), []
    except PortalError as exc:
        if exc.transient:
            message = PORTAL_READ_FAILED.format(target=target, reason=exc)
            return {}, [Failure(target, message, transient=True)]
    found: dict[str, Usage] = {}
    failures = []
    for asset in assets:
        try:
            found.update(portal.usage([asset.asset_id]))
        except PortalError as exc:
            failures.append(_failure(target, asset, exc))
    return found, failures


def _failure(target: str, asset: Asset, exc: PortalError) -> Failure:
    message = READ_FAILED.format(
        dataset=asset.dataset, target=target, asset_id=asset.asset_id, reason=exc
    )
    return Failure(target, message, transient=exc.transient, dataset=asset.dataset)
