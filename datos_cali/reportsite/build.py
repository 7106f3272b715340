"""`build_site(...)`: gather the ledger and the reports, render every page, swap the site in.

The site is written to a fresh folder beside the destination and moved into place at the end,
so a reader never sees half a site and pages of datasets that left the catalog do not linger.
A destination that exists and was not made by this builder is refused (it carries no marker
file): `--out ~` must never wipe a home folder.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

from datos_cali.catalog import Catalog, PortalName
from datos_cali.ledger import Ledger
from datos_cali.quality import registry
from datos_cali.reportsite import labels
from datos_cali.reportsite.charts import Series, bar_chart, line_chart
from datos_cali.reportsite.collect import DatasetView, Run, SiteData, gather
from datos_cali.reportsite.pages import (
    Provider,
    SiteContext,
    SitePage,
    contributed_pages,
    dataset_page,
    organismo_page,
    relative_href,
)
from datos_cali.reportsite.render import render_page
from datos_cali.settings import paths

log = logging.getLogger(__name__)

MARKER = ".sitio-datos-cali"
STATIC_FILES = ("sitio.css", "filtros.js")
# The quality-index filter of the front page's list of datasets: (value, label).
INDEX_BANDS = (("9", "9 o más"), ("7", "7 o más"), ("5", "5 o más"), ("0", "menos de 5"))
MONTHS_SHOWN = 12
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.json")

NOT_OURS = (
    "La carpeta {path} ya existe y no es un sitio de informes generado por datos-cali; "
    "elija otra carpeta con --out (o vacíela)."
)
NOT_A_FOLDER = "{path} existe y no es una carpeta; elija otra con --out."
UNSAFE_SLUG = "Se omite «%s»: no es un identificador válido para un nombre de archivo."


class DestinationError(ValueError):
    """The output folder cannot be used; the message says why, in Spanish."""


@dataclass(frozen=True)
class Site:
    """What a build wrote."""

    root: Path
    pages: list[str]  # HTML pages, relative to `root`
    runs: int
    datasets: int
    reports: int  # JSON run reports copied beside the pages

    @property
    def index(self) -> Path:
        return self.root / "index.html"


def default_out_dir() -> Path:
    return paths().reports / "site"


def build_site(
    out_dir: Path | None = None,
    *,
    ledger: Ledger,
    catalog: Catalog,
    now: datetime | None = None,
    reports_dir: Path | None = None,
    providers: Sequence[Provider] = (),
) -> Site:
    """Write the auditors' site to `out_dir` (default `<state>/reports/site`) and return it,
    with the pages of `providers` (the office's full site: `datos_cali.auditsite.build`)."""
    out_dir = Path(out_dir or default_out_dir()).expanduser().resolve()
    now = now or datetime.now(UTC)
    reports_dir = Path(reports_dir or paths().reports)
    _check_destination(out_dir)
    data = gather(ledger, catalog, reports_dir)
    extra = contributed_pages(SiteContext(catalog, ledger, now, reports_dir), providers)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-nuevo-", dir=out_dir.parent))
    try:
        writer = _Writer(staging, now=now, nav=_navigation(extra))
        _write_site(writer, data, extra, ledger, reports_dir)
        (staging / MARKER).write_text("Sitio de informes generado por datos-cali.\n", "utf-8")
        os.chmod(staging, 0o755)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Site(out_dir, writer.pages, data.run_count, len(data.datasets), writer.reports)


# --- the pages --------------------------------------------------------------------------------


@dataclass
class _Writer:
    root: Path
    now: datetime
    nav: list[dict[str, str]]
    pages: list[str] = field(default_factory=list)
    reports: int = 0

    def page(self, template: str, path: str, title: str, **values: Any) -> None:
        html = render_page(template, path, title=title, now=self.now, nav=self.nav, **values)
        self.file(path, html.encode("utf-8"))
        self.pages.append(path)

    def file(self, path: str, content: bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _navigation(extra: list[SitePage]) -> list[dict[str, str]]:
    nav = [
        {"path": "index.html", "label": "Inicio"},
        {"path": "criterios.html", "label": "Criterios de calidad"},
    ]
    return nav + [{"path": p.path, "label": p.nav_label} for p in extra if p.nav_label]


def _write_site(
    writer: _Writer, data: SiteData, extra: list[SitePage], ledger: Ledger, reports_dir: Path
) -> None:
    static = resources.files("datos_cali.reportsite") / "static"
    for name in STATIC_FILES:
        writer.file(f"static/{name}", (static / name).read_bytes())
    writer.page(
        "index.html",
        "index.html",
        "Informes de calidad de los datos abiertos de Cali",
        data=data,
        breadcrumbs=None,
        verdict_chart=_verdict_chart(data) if data.run_count else "",
        monthly_chart=_monthly_chart(data) if data.run_count else "",
        names={o.slug: o.name for o in data.organismos},
        index_bands=INDEX_BANDS,
    )
    criteria = registry()
    writer.page(
        "criterios.html",
        "criterios.html",
        "Criterios de calidad de MinTIC",
        criteria=criteria,
        sources=list(dict.fromkeys(c.source for c in criteria)),
        breadcrumbs=[("Inicio", "index.html")],
    )
    names = {o.slug: o.name for o in data.organismos}
    for organismo in data.organismos:
        if not _safe(organismo.slug):
            continue
        writer.page(
            "organismo.html",
            organismo_page(organismo.slug),
            organismo.name,
            organismo=organismo,
            portals=_portals(organismo.datasets),
            breadcrumbs=[("Inicio", "index.html")],
        )
    for dataset in data.datasets.values():
        if _safe(dataset.slug) and _safe(dataset.organismo):
            _dataset(writer, dataset, names.get(dataset.organismo, dataset.organismo), reports_dir)
    for page in extra:
        writer.page(
            "contributed.html",
            page.path,
            page.title,
            body=Markup(page.body_html),
            breadcrumbs=[("Inicio", "index.html")],
        )
        for path, content in page.files.items():
            writer.file(path, content)


def _dataset(writer: _Writer, dataset: DatasetView, organismo_name: str, reports_dir: Path):
    path = dataset_page(dataset.slug)
    evidence = []
    for run in dataset.runs:
        href = _copy_report(writer, dataset.slug, run, path)
        evidence += [{"row": row, "report_href": href} for row in run.rows]
    scored = dataset.scored
    score_rows = _score_rows(scored) if scored else []
    history = [run for run in dataset.runs if run.scores]
    writer.page(
        "dataset.html",
        path,
        dataset.title,
        dataset=dataset,
        organismo_name=organismo_name,
        breadcrumbs=[("Inicio", "index.html"), (organismo_name, organismo_page(dataset.organismo))],
        scored=scored,
        score_rows=score_rows,
        has_details=any(item["detailed"] for item in score_rows),
        assessed=dataset.assessed,
        criteria=registry(),
        history=history,
        history_chart=_history_chart(history),
        gx=_great_expectations(writer, dataset, reports_dir, path),
        evidence=evidence,
    )


def _score_rows(run: Run) -> list[dict[str, Any]]:
    rows = []
    known = registry()
    for criterion in known:
        detail = run.score_detail(criterion.id)
        rows.append(
            {
                "id": criterion.id,
                "name": criterion.name,
                "value": run.scores.get(criterion.id),
                "evidence": _evidence(detail.get("evidence")),
                "formula": criterion.formula,
                "formula_version": detail.get("formula_version") or criterion.formula_version,
                "provisional": bool(detail.get("provisional", criterion.provisional)),
                "detailed": bool(detail),
            }
        )
    ids = {c.id for c in known}
    for criterion_id, value in run.scores.items():
        if criterion_id not in ids:  # a criterion retired since this run
            rows.append(
                {
                    "id": criterion_id,
                    "name": criterion_id,
                    "value": value,
                    "evidence": [],
                    "formula": "Criterio que ya no está en el registro de criterios.",
                    "formula_version": "—",
                    "provisional": False,
                    "detailed": False,
                }
            )
    return rows


def _evidence(evidence: Any) -> list[tuple[str, str]]:
    if not isinstance(evidence, dict):
        return []
    items = []
    for key, value in evidence.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            shown = str(value)
        elif float(value).is_integer():
            shown = labels.number(value)
        else:
            shown = labels.number(value, 3).rstrip("0").rstrip(",")
        items.append((str(key), shown))
    return items


def _copy_report(writer: _Writer, slug: str, run: Run, page: str) -> str | None:
    """The run's JSON report, copied as it was written (the bytes `gather` read), beside the
    dataset's page."""
    if run.report_file is None or run.report_bytes is None:
        return None
    name = run.report_file.name
    if not _FILE_NAME.fullmatch(name) or (writer.root / _runs_folder(slug) / name).exists():
        name = f"{run.run_id}.json" if _FILE_NAME.fullmatch(f"{run.run_id}.json") else None
    if name is None:
        return None
    target = f"{_runs_folder(slug)}/{name}"
    try:
        writer.file(target, run.report_bytes)
    except OSError as exc:
        log.warning("No se pudo copiar el informe %s: %s", run.report_file, exc)
        return None
    writer.reports += 1
    return relative_href(page, target)


def _great_expectations(
    writer: _Writer, dataset: DatasetView, reports_dir: Path, page: str
) -> dict[str, Any] | None:
    """The newest GX validation in Spanish, each expectation's outcome, and GX's own Data Docs
    as a download (their HTML pages zipped, without GX's fonts and images, which are most of
    their weight and which the pages would load from the internet anyway)."""
    run = dataset.checked
    if run is None:
        return None
    summary = run.expectations or {}
    docs = reports_dir / "gx" / dataset.slug
    download = None
    if (docs / "index.html").is_file():
        target = f"gx/{dataset.slug}.zip"
        writer.file(target, _zip_docs(docs, dataset.slug))
        download = {
            "href": relative_href(page, target),
            "size": labels.size((writer.root / target).stat().st_size),
        }
    return {
        "run": run,
        "summary": _gx_counts(summary),
        "results": _gx_results(summary),
        "values_hidden": bool(summary.get("values_hidden")),
        "download": download,
    }


def _zip_docs(docs: Path, slug: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(docs.rglob("*")):
            relative = path.relative_to(docs)
            if path.is_file() and relative.parts[0] != "static":
                archive.write(path, f"great-expectations-{slug}/{relative.as_posix()}")
    return buffer.getvalue()


def _gx_results(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each expectation: from the run's detailed results, or (older reports) its counts."""
    results = summary.get("results")
    if not isinstance(results, list):
        counts = summary.get("unexpected_counts") or {}
        results = [
            {
                "type": key.split(":", 1)[0],
                "column": key.split(":", 1)[1] if ":" in key else "",
                "success": not count,
                "unexpected_count": count,
            }
            for key, count in counts.items()
        ]
    rows = [
        {
            "name": labels.expectation(str(r.get("type", ""))),
            "column": r.get("column") or "—",
            "success": bool(r.get("success")),
            "count": int(r.get("unexpected_count") or 0),
            "rows": list(r.get("rows") or []),
            "examples": list(r.get("examples") or []),
        }
        for r in results
        if isinstance(r, dict)
    ]
    return sorted(rows, key=lambda r: (r["success"], r["column"]))


def _gx_counts(summary: dict[str, Any]) -> dict[str, int]:
    keys = ("evaluated_expectations", "successful_expectations", "unsuccessful_expectations")
    return {key: int(summary.get(key) or 0) for key in keys}


# --- charts -----------------------------------------------------------------------------------


def _history_chart(history: list[Run]):
    runs = list(reversed(history))  # oldest first, as time reads left to right
    lowest = [min((v for v in r.scores.values() if v is not None), default=None) for r in runs]
    return line_chart(
        "Índice general de calidad por ejecución",
        "Índice general (promedio ponderado de los 17 criterios) y puntaje más bajo de los "
        "17 en cada ejecución que analizó un archivo, de la más antigua a la más reciente, "
        "en una escala de 0 a 10.",
        x_labels=[labels.minute(r.started_at) for r in runs],
        series=[
            Series("Índice general", [r.overall for r in runs]),
            Series("Puntaje más bajo", lowest),
        ],
        x_title="Ejecución (fecha y hora de Colombia)",
        y_title="Puntaje (0 a 10)",
        y_min=0,
        y_max=10,
        value_format=labels.score,
        ident="grafico-historial",
    )


def _verdict_chart(data: SiteData):
    totals = data.verdict_totals()
    order = [*labels.VERDICT_ORDER, None]
    return bar_chart(
        "Conjuntos de datos según su resultado más reciente",
        "Cuántos conjuntos de datos del catálogo terminaron su ejecución más reciente con "
        "cada resultado.",
        categories=[labels.outcome(v) for v in order],
        series=[Series("Conjuntos de datos", [totals.get(v, 0) for v in order])],
        x_title="Resultado de la ejecución más reciente",
        y_title="Conjuntos de datos",
        integer=True,
        ident="grafico-resultados",
    )


def _monthly_chart(data: SiteData):
    """Runs per month by their verdict: the same runs the front page counts (one per run, however
    many portals it wrote to)."""
    table = Counter(
        (labels.local(run.started_at).strftime("%Y-%m"), run.verdict) for run in data.runs
    )
    every_month = sorted({month for month, _ in table})
    months = every_month[-MONTHS_SHOWN:]
    shown = sum(count for (month, _), count in table.items() if month in months)
    earlier = "" if len(months) == len(every_month) else f" (de {labels.number(shown)} en total)"
    return bar_chart(
        "Ejecuciones por mes y resultado",
        f"Ejecuciones de los últimos {len(months)} meses con actividad{earlier}, por su "
        "resultado; una ejecución que escribió en dos portales cuenta una vez.",
        categories=months,
        series=[
            Series(labels.outcome(o), [table.get((m, o), 0) for m in months])
            for o in labels.VERDICT_ORDER
        ],
        x_title="Mes (hora de Colombia)",
        y_title="Ejecuciones",
        integer=True,
        ident="grafico-meses",
    )


# --- files ------------------------------------------------------------------------------------


def _portals(datasets: list[DatasetView]) -> list[str]:
    portals = [p.value for p in PortalName]
    for dataset in datasets:
        portals += [t for t in dataset.targets if t not in portals]
    return portals


def _runs_folder(slug: str) -> str:
    return f"conjuntos/{slug}/ejecuciones"


def _safe(slug: str) -> bool:
    if _SLUG.fullmatch(slug):
        return True
    log.warning(UNSAFE_SLUG, slug)
    return False


def _check_destination(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise DestinationError(NOT_A_FOLDER.format(path=out_dir))
    if (out_dir / MARKER).is_file() or not any(out_dir.iterdir()):
        return
    raise DestinationError(NOT_OURS.format(path=out_dir))


def _swap(staging: Path, out_dir: Path) -> None:
    """Move the new site into place; the old one goes only once the new one is there."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}-viejo-{uuid.uuid4().hex[:8]}")
    out_dir.rename(old)
    try:
        staging.rename(out_dir)
    except BaseException:
        old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
