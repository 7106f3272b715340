"""`datos-cali run` (the flows, with progress bars) and `datos-cali demo` (demo submissions)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import typer

from datos_cali import runmode
from datos_cali.cli.app import app
from datos_cali.cli.common import (
    EXIT_BLOCKED,
    EXIT_COULD_NOT_RUN,
    EXIT_OK,
    did_you_mean,
    die,
    out,
    project_catalog,
)
from datos_cali.outcomes import Outcome
from datos_cali.settings import OFFICE_ZONE, paths
from datos_cali.spanish import agree, number, quantity

NOTHING_CHOSEN = "Indique conjuntos, o use --all o --due."
UNKNOWN = "No existe en el catálogo: «{slug}».", "No existen en el catálogo: {slugs}."
NOTHING_DUE = (
    "Nada pendiente: ningún conjunto tiene una actualización pendiente según su frecuencia."
)
OLDER_NEEDS_ONE = "--permitir-anterior se usa con un solo conjunto, nombrado: datos-cali run CONJUNTO --permitir-anterior."
NOTHING_RUN = "No se ejecutó ningún conjunto."
LOCAL_PORTAL_STOPPED = (
    "El portal local de esta ejecución ya se detuvo. Para ver los conjuntos publicados, "
    "inicie el portal local con «make serve» (o «datos-cali portal serve») y abra {url}"
)
LOCAL_MARK = " (portal local)"
LOG_LINE = "Avisos técnicos de las bibliotecas: {count} (guardados en {log})."
STYLE = {
    Outcome.PUBLISHED: "green",
    Outcome.RECOVERED: "green",
    Outcome.UNCHANGED: "cyan",
    Outcome.NO_NEW_FILE: "dim",
    Outcome.UNRECOGNISED: "yellow",
    Outcome.REJECTED: "red",
    Outcome.FAILED: "bold red",
}
# Loggers whose records are the libraries' business, not the office's: to the run's log.
QUIET_LOGGERS = ("py.warnings", "great_expectations")
DETAIL_WIDTH = 28
SUMMARY_COLUMNS = (
    ("Conjunto", "left"),
    ("Organismo", "left"),
    ("Portal", "left"),
    ("Resultado", "left"),
    ("Filas", "right"),
    ("Nuevas", "right"),
    ("Cambiadas", "right"),
    ("Borradas", "right"),
    ("Detalle", "left"),
)


def prefect_defaults() -> None:
    """Prefect settings for a local run; set before Prefect is imported, never overriding the user's."""
    state = paths().state
    defaults = {
        "PREFECT_HOME": str(state / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)


@app.command()
def run(
    slugs: list[str] = typer.Argument(
        None, metavar="CONJUNTO", help="Identificadores de los conjuntos a publicar."
    ),
    all_datasets: bool = typer.Option(
        False, "--all", help="Publicar todos los conjuntos del catálogo."
    ),
    due_only: bool = typer.Option(
        False, "--due", help="Solo los que toca actualizar según su frecuencia."
    ),
    allow_older: bool = typer.Option(
        False,
        "--permitir-anterior",
        help="Decisión de la oficina: publicar el archivo en espera aunque sea anterior al "
        "último publicado (solo con un conjunto).",
    ),
) -> None:
    """Publica conjuntos con los flujos de Prefect y muestra un resumen.

    Un conjunto corre el mismo flujo que su despliegue programado; varios, o --all, el mismo
    barrido que los despliegues de barrido. En modo «local» (DATOS_CALI_MODE, por omisión) un
    portal sin credenciales es el portal local embebido; en modo «produccion», si faltan
    credenciales, la ejecución se detiene sin escribir nada. Sale con 1 si algún conjunto falló
    o fue rechazado.
    """
    catalog = project_catalog()
    if all_datasets:
        chosen = sorted(catalog.datasets)
    elif slugs:
        unknown = [s for s in slugs if s not in catalog.datasets]
        if unknown:
            die(unknown_slugs(unknown, catalog.datasets))
        chosen = list(dict.fromkeys(slugs))
    elif not due_only:
        die(NOTHING_CHOSEN)
    else:
        chosen = None
    if allow_older and (chosen is None or len(chosen) != 1):
        die(OLDER_NEEDS_ONE)
    results = _run_flows(chosen, allow_older=allow_older)
    _print_summary(results, due=chosen is None)
    bad = [r for r in results if r.outcome in (Outcome.FAILED, Outcome.REJECTED)]
    raise typer.Exit(EXIT_BLOCKED if bad else EXIT_OK)


def unknown_slugs(unknown: list[str], known) -> str:
    """«No existe en el catálogo: «vacunacion». ¿Quiso decir «vacunacion-covid19»?»"""
    text = agree(UNKNOWN, len(unknown), slug=unknown[0], slugs=", ".join(unknown))
    return text + "".join(did_you_mean(slug, known) for slug in unknown)


def _run_flows(chosen: list[str] | None, *, allow_older: bool = False):
    """One dataset: the flow its deployment runs; several: the sweep; none chosen: --due."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    try:
        runmode.current()  # a misspelt DATOS_CALI_MODE is said before Prefect takes seconds
    except runmode.ModeError as exc:
        die(str(exc))
    # Prefect reads its settings when imported, and takes seconds to import: only here.
    prefect_defaults()
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali import events
    from datos_cali.portals.credentials import SecretLookupError
    from datos_cali.runmode import ModeError
    from datos_cali_flows import common
    from datos_cali_flows.publish import publish_dataset, publish_due, publish_many

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=out, transient=False) as progress:
        bar = progress.add_task("Conjuntos publicados", total=len(chosen) if chosen else None)
        progress.console.print("Iniciando Prefect (servidor temporal)…")

        def on_event(kind: str, data: dict) -> None:
            if kind == "dataset_finished":
                run = data["run"]
                progress.advance(bar)
                progress.console.print(f"  {run.slug}: {run.outcome.label}")

        unsubscribe = events.subscribe(on_event)
        try:
            with third_party_warnings(run_log()) as log:
                common.preflight()  # not ready for its mode: said here, before any flow runs
                if chosen is None:
                    results = publish_due()
                elif len(chosen) == 1:
                    results = [publish_dataset(chosen[0], allow_older=allow_older)]
                else:
                    results = publish_many(chosen)
        except (ModeError, SecretLookupError) as exc:  # not ready for its mode: nothing written
            progress.stop()
            die(str(exc))
        finally:
            unsubscribe()
            common.close()
    if log.count:
        out.print(LOG_LINE.format(count=number(log.count), log=log.path))
    return results


def run_log() -> Path:
    folder = paths().state / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"ejecucion-{dt.datetime.now(OFFICE_ZONE):%Y%m%dT%H%M%S}.log"


@dataclass
class _Log:
    path: Path
    count: int = 0


@contextmanager
def third_party_warnings(path: Path):
    """Libraries' warnings (Great Expectations' «This pattern is interpreted as a regular
    expression…», Prefect's) go to the run's log file instead of over the progress bar.

    Python's warnings reach logging through `logging.captureWarnings` (Prefect turns it on);
    for the run, the loggers they use write only to `path`.
    """
    log = _Log(path)
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    counter = logging.Handler()
    counter.emit = lambda record: setattr(log, "count", log.count + 1)  # type: ignore[method-assign]
    logging.captureWarnings(True)
    saved = {}
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = (logger.handlers[:], logger.propagate)
        logger.handlers = [handler, counter]
        logger.propagate = False
    try:
        yield log
    finally:
        for name, (handlers, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers, logger.propagate = handlers, propagate
        handler.close()


def _print_summary(results, *, due: bool = False) -> None:
    """One row per dataset and portal: rows created, updated and deleted on that portal."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    if not results:
        out.print(NOTHING_DUE if due else NOTHING_RUN)
        return
    catalog = project_catalog()
    table = Table(title="Resumen de la ejecución", title_justify="left")
    for header, justify in SUMMARY_COLUMNS:
        whole = header in ("Conjunto", "Organismo", "Portal", "Resultado")
        table.add_column(
            header,
            justify=justify,
            overflow="fold",
            no_wrap=whole,
            min_width=DETAIL_WIDTH if header == "Detalle" else None,
        )
    for run in sorted(results, key=lambda r: r.slug):
        entry = catalog.datasets.get(run.slug)
        organismo = run.organismo or (entry.organismo if entry else "")
        detail = _detail(run)
        for target in run.targets or [None]:
            outcome = target.outcome if target else run.outcome
            table.add_row(
                run.slug,
                organismo,
                _portal(target),
                f"[{_style(outcome)}]{outcome.label}[/]",
                "" if run.rows is None else number(run.rows),
                number(target.created) if target else "",
                number(target.updated) if target else "",
                number(target.deleted) if target else "",
                (target.error if target and target.error else detail) or "",
            )
            detail = None if target else detail  # the dataset's detail once, on its first row
    out.print(table)
    _print_where(results)


def _portal(target) -> str:
    """The catalog's portal name, marked when the run wrote the embedded local portal."""
    if target is None:
        return "—"
    local = (target.portal or "").endswith("@local")
    return target.target + (LOCAL_MARK if local else "")


def _detail(run) -> str:
    """Why it ended so, in a few words: the rejection's cause, the failure, or its warnings."""
    if run.outcome == Outcome.REJECTED:
        return run.cause or run.message or ""
    if run.message and not run.targets:
        return run.message
    if run.warnings:
        return quantity(run.warnings, "advertencia")
    return ""


def _style(outcome: Outcome) -> str:
    return STYLE.get(outcome, "bold")


def _print_where(results) -> None:
    """Where to look: the run's JSON report and each portal's page, if someone can open it."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.cli.local_links import LocalLinks

    links = LocalLinks.find()
    out.print("[bold]Dónde mirar:[/]")
    for run in sorted(results, key=lambda r: r.slug):
        out.print(f"  {run.slug}: informe {run.report_path}")
        for target in run.targets:
            if target.error or not target.url:
                continue
            url = links.url(target.url)
            if url:
                out.print(f"    {target.target}: {url}")
    if links.stopped:
        out.print(LOCAL_PORTAL_STOPPED.format(url=links.persistent))
    site = paths().reports / "site" / "index.html"
    if site.exists():
        out.print(f"[bold]Sitio de informes para auditores:[/] {site}")


@app.command()
def demo() -> None:
    """Copia los envíos de demostración (demo/) a las bandejas de entrada de cada organismo."""
    from datos_cali.sources.inbox import place_file  # deferred, as every command's engine

    where = paths()
    catalog = project_catalog()
    copied = 0
    for dataset in catalog.datasets.values():
        if not dataset.demo or dataset.source.kind != "inbox":  # demos are inbox submissions
            continue
        source = where.root / dataset.demo
        place_file(source, where, dataset.organismo, source.name)  # complete, with its .listo
        copied += 1
    out.print(f"Se copiaron {copied} envíos de demostración a {where.inbox}.")
    _demo_usage(catalog, where)
    raise typer.Exit(EXIT_OK if copied else EXIT_COULD_NOT_RUN)


def _demo_usage(catalog, where) -> None:
    """The demo's monthly usage figures (its 2021) become readings of those months, so the usage
    report of 2021 shows what the demo publishes (`datos-cali usage import`)."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.cli.usage import print_imported
    from datos_cali.ledger import open_ledger
    from datos_cali.usage import USAGE_DATASET
    from datos_cali.usage.imported import import_monthly_figures

    dataset = catalog.datasets.get(USAGE_DATASET)
    if dataset is None or not dataset.demo:
        return
    with open_ledger() as ledger:
        done = import_monthly_figures(where.root / dataset.demo, catalog, where.schemas, ledger)
    print_imported(done)


@app.command()
def deployments(
    check: bool = typer.Option(
        False, "--check", help="Solo comprobar que prefect.yaml está al día (sale con 1 si no)."
    ),
) -> None:
    """Regenera prefect.yaml desde el catálogo: un despliegue por conjunto y los barridos."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.deployments import render

    where = paths()
    wanted = render(project_catalog())
    target = where.root / "prefect.yaml"
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if check:
        if current != wanted:
            out.print("[red]prefect.yaml no está al día: ejecute «datos-cali deployments».[/]")
            raise typer.Exit(EXIT_BLOCKED)
        out.print("prefect.yaml está al día.")
        raise typer.Exit(EXIT_OK)
    target.write_text(wanted, encoding="utf-8")
    out.print(f"Se escribió {target} con {wanted.count('- name:')} despliegues.")
