"""Monthly usage figures from before the daily readings began, stored as readings.

The office counted visits and downloads by hand before this pipeline read the portals' counters
(the demo's figures: 55,136 visits and 28,735 downloads of datos.cali.gov.co in 2021). A file in
the shape of the office's usage dataset (`uso-portales-datos-abiertos`: one row per month,
portal and asset) becomes what a daily collection would have stored: for each portal and asset,
its cumulative counters read on the last day of each month. Then the usage report and the usage
figures count those months exactly as the file does, and a month's figures never change.

Imported readings are kept apart from collected ones by their portal key (`importado@<portal>`),
so the first real reading of an asset counts its whole counter, as it always does, and never
subtracts an imported month. Importing the same file twice stores nothing new (one reading per
portal, asset and day).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from datos_cali.catalog import Catalog
from datos_cali.contracts import load_contract
from datos_cali.precheck import precheck
from datos_cali.settings import OFFICE_ZONE
from datos_cali.usage.figures import USAGE_DATASET
from datos_cali.usage.report import IMPORTED as IMPORTED_PREFIX
from datos_cali.usage.snapshots import Snapshot, UsageStore

IMPORTED = IMPORTED_PREFIX + "{target}"
READING_TIME = dt.time(23, 45)  # when the daily collection reads the counters
NO_DATASET = "El catálogo no tiene el conjunto de uso «{slug}»: no se puede leer el archivo."
NOT_READABLE = "El archivo {name} no tiene la forma del conjunto de uso: {reason}"


class FiguresError(ValueError):
    """The file cannot be imported; the message says why, in Spanish."""


@dataclass(frozen=True)
class Imported:
    readings: int  # readings the file amounts to
    stored: int  # of them, new (the rest were already there)
    years: tuple[int, ...]


def import_monthly_figures(path: Path, catalog: Catalog, schemas: Path, ledger) -> Imported:
    """Store the monthly figures in `path` (the usage dataset's file) as month-end readings."""
    dataset = catalog.datasets.get(USAGE_DATASET)
    if dataset is None:
        raise FiguresError(NO_DATASET.format(slug=USAGE_DATASET))
    result = precheck(Path(path), dataset, load_contract(dataset.schema_name, schemas))
    if not result.publishable:
        reason = result.errors[0].message if result.errors else "no se pudo leer"
        raise FiguresError(NOT_READABLE.format(name=Path(path).name, reason=reason))
    frame = result.typed.frame
    months: dict[tuple[str, str], list[tuple[int, int, int, int, str, str]]] = defaultdict(list)
    for row in frame.itertuples(index=False):
        key = (str(row.portal), str(row.identificador_portal))
        months[key].append(
            (
                int(row.anio),
                int(row.mes),
                int(row.visitas),
                int(row.descargas),
                str(row.conjunto),
                str(row.organismo),
            )
        )
    snapshots = []
    for (target, asset), entries in sorted(months.items()):
        views = downloads = 0
        for year, month, visits, downloaded, slug, organismo in sorted(entries):
            views, downloads = views + visits, downloads + downloaded
            day = dt.date(year, month, calendar.monthrange(year, month)[1])
            snapshots.append(
                Snapshot(
                    portal=IMPORTED.format(target=target),
                    target=target,
                    asset_id=asset,
                    dataset=slug,
                    organismo=organismo,
                    day=day,
                    views=views,
                    downloads=downloads,
                    collected_at=dt.datetime.combine(day, READING_TIME, OFFICE_ZONE),
                )
            )
    stored = UsageStore(ledger).add(snapshots)
    years = tuple(sorted({s.day.year for s in snapshots}))
    return Imported(len(stored), sum(s.kept for s in stored), years)
