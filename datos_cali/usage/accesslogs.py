"""Usage from the portal's web-server access logs, for a CKAN that keeps no counters.

From CKAN 2.11 usage tracking is a separate plugin; a portal without it reports nothing
(`collect` says «sin seguimiento»). The web server in front of it (nginx, Apache) still logs
every request. This module reads those logs in the **combined log format** (nginx's default
`combined`, Apache's `LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\""`)
and stores what they show as the same append-only daily readings as `collect`:

- a **visit** is a `GET /dataset/<name>` answered 200 or 304 (the dataset's page; not its
  sub-pages, not the API);
- a **download** is a `GET` answered 200 of `/dataset/<name>/resource/<id>/download/<file>` or
  of `/datastore/dump/<resource id>` (the table's CSV/JSON/XLSX export; the resource is
  mapped to its package through the portal, `Portal.resource_ids`);
- requests from **robots** (user agent matching `BOTS`: crawlers, link checkers, command-line
  clients, harvesters) are not usage and are left out;
- `<name>` must be a dataset published on that portal (the catalog's, by asset id); other
  names are counted as ignored.

Readings go under the portal key `registro@<portal>` (apart from the counters `collect` reads,
so two sources never mix): for each asset and office day (America/Bogota) with requests, the
cumulative counters so far — the last stored reading of that asset plus that day's requests.
Each (asset, day) is stored once: a day already imported is not counted again, so importing the
same file twice stores nothing new. TODAY IS NEVER STORED (its log is not complete yet): import
a day's logs after it ends — all of the files that hold it at once (e.g. `access.log.1
access.log`) when the server rotates logs in the middle of the day.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from datos_cali.settings import OFFICE_ZONE
from datos_cali.usage.collect import Asset
from datos_cali.usage.snapshots import Snapshot, UsageStore, office_day

LOGGED = "registro@{target}"
READING_TIME = dt.time(23, 59)
LINE = re.compile(
    r'^(?P<host>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<target>\S+)[^"]*" '
    r'(?P<status>\d{3}) \S+ "(?P<referer>[^"]*)" "(?P<agent>[^"]*)"'
)
TIME = "%d/%b/%Y:%H:%M:%S %z"
PAGE = re.compile(r"^/dataset/(?P<name>[a-z0-9_-]+)/?$")
DOWNLOAD = re.compile(r"^/dataset/(?P<name>[a-z0-9_-]+)/resource/[0-9a-f-]+/download(/.*)?$")
DUMP = re.compile(r"^/datastore/dump/(?P<resource>[0-9a-f-]{36})$")
# Crawlers, link checkers, previews and programs (harvesters use the API, not these pages).
BOTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|facebookexternalhit|monitor|uptime|headless|"
    r"python-|python/|curl/|wget/|go-http-client|java/|libwww|httpclient|scrapy|ckanapi|"
    r"okhttp|axios|node-fetch|postman",
    re.IGNORECASE,
)

NO_FILE = "No se encuentra el archivo de registro «{path}»."
NOT_COMBINED = (
    "Ninguna de las {count} líneas de {names} está en el formato combinado de registro "
    '(«%h %l %u [%t] "%r" %>s %b "Referer" "User-Agent"»). Revise el log_format del servidor web.'
)


class AccessLogError(ValueError):
    """The logs cannot be imported; the message says why, in Spanish."""


@dataclass
class LogImport:
    """What the logs showed and what was stored."""

    lines: int = 0
    unreadable: int = 0  # not in the combined format
    bots: int = 0
    views: int = 0
    downloads: int = 0
    ignored: int = 0  # dataset pages or downloads of names not published on this portal
    today: int = 0  # requests of the office's current day, not stored yet
    readings: int = 0
    stored: int = 0
    days: list[dt.date] = field(default_factory=list)


def _lines(paths: Iterable[Path]) -> Iterator[str]:
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            yield from handle


def count_requests(
    lines: Iterable[str], published: dict[str, Asset], resources: dict[str, str], result: LogImport
) -> dict[tuple[str, dt.date], Counter]:
    """Views and downloads per (asset id, office day) in `lines`; tallies go into `result`."""
    counts: dict[tuple[str, dt.date], Counter] = defaultdict(Counter)
    for line in lines:
        if not line.strip():
            continue
        result.lines += 1
        match = LINE.match(line)
        if match is None:
            result.unreadable += 1
            continue
        try:
            moment = dt.datetime.strptime(match["time"], TIME)
        except ValueError:
            result.unreadable += 1
            continue
        if match["method"] != "GET":
            continue
        path, status = match["target"].split("?", 1)[0], int(match["status"])
        kind, name = _classify(path, status, resources)
        if kind is None:
            continue
        if BOTS.search(match["agent"]):
            result.bots += 1
            continue
        if name not in published:
            result.ignored += 1
            continue
        counts[(name, office_day(moment))][kind] += 1
    return counts


def _classify(path: str, status: int, resources: dict[str, str]) -> tuple[str | None, str]:
    page = PAGE.match(path)
    if page and status in (200, 304):
        return "views", page["name"]
    download = DOWNLOAD.match(path)
    if download and status == 200:
        return "downloads", download["name"]
    dump = DUMP.match(path)
    if dump and status == 200:
        return "downloads", resources.get(dump["resource"], f"recurso:{dump['resource']}")
    return None, ""


def import_access_logs(
    paths: list[Path],
    target: str,
    published: list[Asset],
    resources: dict[str, str],
    ledger,
    now: dt.datetime,
) -> LogImport:
    """Store the days in `paths` (before today) as cumulative readings under `registro@…`."""
    for path in paths:
        if not path.is_file():
            raise AccessLogError(NO_FILE.format(path=path))
    by_asset = {a.asset_id: a for a in published}
    result = LogImport()
    counts = count_requests(_lines(paths), by_asset, resources, result)
    if result.lines and result.unreadable == result.lines:
        names = ", ".join(p.name for p in paths)
        raise AccessLogError(NOT_COMBINED.format(count=result.lines, names=names))
    today = office_day(now)
    portal = LOGGED.format(target=target)
    store = UsageStore(ledger)
    stored = defaultdict(list)
    for s in store.snapshots():
        if s.portal == portal:
            stored[s.asset_id].append(s)
    snapshots = []
    for asset_id in sorted({a for a, _ in counts}):
        asset = by_asset[asset_id]
        history = {s.day: s for s in stored[asset_id]}
        for day in sorted(d for a, d in counts if a == asset_id):
            tally = counts[(asset_id, day)]
            result.views += tally["views"]
            result.downloads += tally["downloads"]
            if day >= today:
                result.today += tally["views"] + tally["downloads"]
                continue
            if day in history:  # imported before: its count stays as it was
                continue
            before = [s for d, s in history.items() if d < day]
            last = max(before, key=lambda s: s.day) if before else None
            reading = Snapshot(
                portal=portal,
                target=target,
                asset_id=asset_id,
                dataset=asset.dataset,
                organismo=asset.organismo,
                day=day,
                views=(last.views if last else 0) + tally["views"],
                downloads=(last.downloads if last else 0) + tally["downloads"],
                collected_at=dt.datetime.combine(day, READING_TIME, OFFICE_ZONE),
            )
            history[day] = reading
            snapshots.append(reading)
    done = store.add(snapshots)
    result.readings = len(done)
    result.stored = sum(s.kept for s in done)
    result.days = sorted({s.day for s in done})
    return result
