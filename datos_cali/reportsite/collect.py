"""What the site shows, gathered once: the ledger's rows grouped into runs, each with its report.

The ledger is the source of truth for what happened (one row per run and target); the JSON
report a run wrote adds what the ledger does not keep (the overall index, the Great Expectations
summary, the run's message). A report that is missing, unreadable, or belongs to another run is
left out — the page then says so — rather than shown as evidence it is not.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from datos_cali.catalog import Catalog, Dataset
from datos_cali.ledger import Ledger, RunRecord
from datos_cali.outcomes import NO_TARGET, Outcome
from datos_cali.reportsite.labels import VERDICT_ORDER
from datos_cali.runreport import RunReport

log = logging.getLogger(__name__)


@dataclass
class Run:
    """One run of one dataset: its ledger rows (one per target) and its JSON report."""

    run_id: str
    dataset: str
    rows: list[RunRecord]  # sorted by target
    report: RunReport | None = None
    report_file: Path | None = None  # where the run wrote its report
    report_bytes: bytes | None = None  # the report exactly as written: the site copies these

    @property
    def first(self) -> RunRecord:
        return self.rows[0]

    @property
    def started_at(self) -> datetime:
        return min(r.started_at for r in self.rows)

    @property
    def finished_at(self) -> datetime:
        return max(r.finished_at for r in self.rows)

    @property
    def verdict(self) -> str:
        """One word for the run: rejected or failed anywhere wins, then published, then what
        every row says («sin archivo nuevo», «archivo no reconocido»), else unchanged."""
        outcomes = {r.outcome for r in self.rows}
        for outcome in (Outcome.REJECTED, Outcome.FAILED, Outcome.PUBLISHED):
            if outcome in outcomes:
                return outcome.value
        if len(outcomes) == 1:
            return next(iter(outcomes))
        return Outcome.UNCHANGED.value

    @property
    def submitted(self) -> bool:
        """A file came in (and was archived): the run has an analysis to show."""
        return self.first.source_sha256 is not None

    @property
    def scores(self) -> dict[str, float | None]:
        return dict(self.first.quality_scores or {})

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.first.findings or [])

    @property
    def overall(self) -> float | None:
        return self.report.overall if self.report else None

    @property
    def message(self) -> str | None:
        return (self.report and self.report.message) or self.first.error_message

    @property
    def expectations(self) -> dict[str, Any] | None:
        summary = self.report.expectations if self.report else None
        return summary if summary is not None and "error" not in summary else None

    def score_detail(self, criterion: str) -> dict[str, Any]:
        """What the report kept about one score beyond its value (evidence, formula version);
        empty when the run wrote none (reports older than the scores' details)."""
        return self.report.score_details.get(criterion, {}) if self.report else {}


@dataclass
class DatasetView:
    slug: str
    title: str
    organismo: str
    entry: Dataset | None  # None when the dataset left the catalog but its history remains
    runs: list[Run] = field(default_factory=list)  # newest first
    latest_by_target: dict[str, RunRecord] = field(default_factory=dict)

    @property
    def latest(self) -> Run | None:
        return self.runs[0] if self.runs else None

    @property
    def verdict(self) -> str | None:
        return self.latest.verdict if self.latest else None

    @property
    def assessed(self) -> Run | None:
        """The newest run that analysed a file: its findings are the ones that matter now."""
        return next((r for r in self.runs if r.submitted), None)

    @property
    def scored(self) -> Run | None:
        return next((r for r in self.runs if r.scores), None)

    @property
    def checked(self) -> Run | None:
        """The newest run with a Great Expectations summary."""
        return next((r for r in self.runs if r.expectations), None)

    @property
    def targets(self) -> list[str]:
        """Portals to show: the catalog's, then any other the ledger has rows for."""
        declared = [t.portal for t in self.entry.targets] if self.entry else []
        extra = sorted(t for t in self.latest_by_target if t not in declared and t != NO_TARGET)
        return declared + extra

    def live_on(self, target: str) -> bool:
        """A confirmed publication on `target` exists: its data is on that portal now, whatever
        later runs found (unchanged, rejected and failed runs leave it in place)."""
        return self.last_published(target) is not None

    @property
    def live_targets(self) -> list[str]:
        return [t for t in self.targets if self.live_on(t)]

    def last_published(self, target: str) -> RunRecord | None:
        for run in self.runs:
            for row in run.rows:
                if row.target == target and row.outcome == Outcome.PUBLISHED:
                    return row
        return None


@dataclass
class OrganismoView:
    slug: str
    name: str
    datasets: list[DatasetView] = field(default_factory=list)
    in_catalog: bool = True

    def count(self, verdict: str | None) -> int:
        return sum(1 for d in self.datasets if d.verdict == verdict)

    @property
    def last_run(self) -> datetime | None:
        moments = [d.latest.started_at for d in self.datasets if d.latest]
        return max(moments) if moments else None


@dataclass
class SiteData:
    organismos: list[OrganismoView]
    datasets: dict[str, DatasetView]
    run_count: int
    row_count: int

    @property
    def last_run(self) -> datetime | None:
        moments = [o.last_run for o in self.organismos if o.last_run]
        return max(moments) if moments else None

    def portals(self) -> list[str]:
        """Every portal some dataset targets, in the catalog's order."""
        seen: dict[str, None] = {}
        for dataset in self.datasets.values():
            seen.update(dict.fromkeys(dataset.targets))
        return list(seen)

    def live_totals(self) -> list[tuple[str, int, int]]:
        """(portal, datasets live on it now, datasets that target it)."""
        return [
            (
                portal,
                sum(1 for d in self.datasets.values() if d.live_on(portal)),
                sum(1 for d in self.datasets.values() if portal in d.targets),
            )
            for portal in self.portals()
        ]

    @property
    def runs(self) -> list[Run]:
        return [run for dataset in self.datasets.values() for run in dataset.runs]

    def verdict_totals(self) -> dict[str | None, int]:
        totals = {v: 0 for v in VERDICT_ORDER} | {None: 0}
        for dataset in self.datasets.values():
            totals[dataset.verdict] = totals.get(dataset.verdict, 0) + 1
        return totals


def gather(ledger: Ledger, catalog: Catalog, reports_dir: Path) -> SiteData:
    """Every ledger row, grouped by dataset and run, with the reports found for them.

    The ledger is read once: the newest row per target is the first one met in `rows`, which
    come newest first (the order `Ledger.latest_per_target` ranks by).
    """
    rows = ledger.runs()
    by_run: dict[tuple[str, str], list[RunRecord]] = defaultdict(list)
    latest: dict[tuple[str, str], RunRecord] = {}
    for row in rows:  # newest first, so runs come out newest first too
        by_run[(row.dataset, row.run_id)].append(row)
        latest.setdefault((row.dataset, row.target), row)
    datasets = {
        slug: DatasetView(slug, entry.title, entry.organismo, entry)
        for slug, entry in sorted(catalog.datasets.items())
    }
    for (slug, run_id), run_rows in by_run.items():
        view = datasets.get(slug)
        if view is None:  # gone from the catalog: keep its history visible
            view = datasets[slug] = DatasetView(slug, slug, run_rows[0].organismo, None)
        run = Run(run_id, slug, sorted(run_rows, key=lambda r: r.target))
        run.report_file, run.report_bytes, run.report = _report_of(run, reports_dir)
        if view.title == slug and run.report and run.report.title:
            view.title = run.report.title
        view.runs.append(run)
    for (slug, target), row in sorted(latest.items()):
        datasets[slug].latest_by_target[target] = row
    return SiteData(
        organismos=_organismos(catalog, datasets),
        datasets=dict(sorted(datasets.items())),
        run_count=len(by_run),
        row_count=len(rows),
    )


def _organismos(catalog: Catalog, datasets: dict[str, DatasetView]) -> list[OrganismoView]:
    views = {
        slug: OrganismoView(slug, organismo.name) for slug, organismo in catalog.organismos.items()
    }
    for dataset in sorted(datasets.values(), key=lambda d: d.title.lower()):
        if dataset.organismo not in views:
            views[dataset.organismo] = OrganismoView(
                dataset.organismo, dataset.organismo, in_catalog=False
            )
        views[dataset.organismo].datasets.append(dataset)
    return sorted(views.values(), key=lambda o: o.name.lower())


def _report_of(run: Run, reports_dir: Path) -> tuple[Path | None, bytes | None, RunReport | None]:
    """The run's JSON report (where, its bytes, parsed in the current shape whatever version
    wrote it): where the ledger says it is, else where runs write them. Read once: the site
    copies these bytes rather than the file again."""
    candidates = []
    if run.first.report_path:
        candidates.append(Path(run.first.report_path))
    folder = reports_dir / "runs" / run.dataset
    candidates += sorted(folder.glob(f"*-{run.run_id[:8]}.json"))
    for path in candidates:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            log.debug("Informe %s no disponible: %s", path, exc)
            continue
        report = RunReport.parse(raw)
        if report is not None and report.run_id == run.run_id:
            return path, raw, report
    return None, None, None
