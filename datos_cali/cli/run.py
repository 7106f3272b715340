"""`datos-cali run` (the flows, with progress bars) and `datos-cali demo` (demo submissions)."""

from __future__ import annotations

import os
import shutil

import typer

from datos_cali.cli.app import app
from datos_cali.cli.common import (
    EXIT_BLOCKED,
    EXIT_COULD_NOT_RUN,
    EXIT_OK,
    die,
    out,
    project_catalog,
)
from datos_cali.outcomes import Outcome
from datos_cali.settings import paths

NOTHING_CHOSEN = "Indique conjuntos, o use --all o --due."
UNKNOWN = "No existen en el catálogo: {slugs}."
STYLE = {
    Outcome.PUBLISHED: "green",
    Outcome.UNCHANGED: "cyan",
    Outcome.NO_NEW_FILE: "dim",
    Outcome.UNRECOGNISED: "yellow",
    Outcome.REJECTED: "red",
    Outcome.FAILED: "bold red",
}


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
    slugs: list[str] = typer.Argument(None, help="Identificadores de los conjuntos a publicar."),
    all_datasets: bool = typer.Option(
        False, "--all", help="Publicar todos los conjuntos del catálogo."
    ),
    due_only: bool = typer.Option(
        False, "--due", help="Solo los que toca actualizar según su frecuencia."
    ),
) -> None:
    """Publica conjuntos con los flujos de Prefect y muestra un resumen.

    Un conjunto corre el mismo flujo que su despliegue programado; varios, o --all, el mismo
    barrido que los despliegues de barrido. Sin credenciales configuradas publica en el portal
    local embebido. Sale con 1 si algún conjunto falló o fue rechazado.
    """
    catalog = project_catalog()
    if all_datasets:
        chosen = sorted(catalog.datasets)
    elif slugs:
        unknown = [s for s in slugs if s not in catalog.datasets]
        if unknown:
            die(UNKNOWN.format(slugs=", ".join(unknown)))
        chosen = list(dict.fromkeys(slugs))
    elif not due_only:
        die(NOTHING_CHOSEN)
    else:
        chosen = None
    results = _run_flows(chosen)
    _print_summary(results)
    bad = [r for r in results if r.outcome in (Outcome.FAILED, Outcome.REJECTED)]
    raise typer.Exit(EXIT_BLOCKED if bad else EXIT_OK)


def _run_flows(chosen: list[str] | None):
    """One dataset: the flow its deployment runs; several: the sweep; none chosen: --due."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # Prefect reads its settings when imported, and takes seconds to import: only here.
    prefect_defaults()
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali import events
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
            if chosen is None:
                results = publish_due()
            elif len(chosen) == 1:
                results = [publish_dataset(chosen[0])]
            else:
                results = publish_many(chosen)
        finally:
            unsubscribe()
            common.close()
    return results


def _print_summary(results) -> None:
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    table = Table(title="Resumen de la ejecución")
    for header, justify in (
        ("Conjunto", "left"),
        ("Resultado", "left"),
        ("Filas", "right"),
        ("Nuevas", "right"),
        ("Cambiadas", "right"),
        ("Borradas", "right"),
        ("Err./Adv.", "right"),
    ):
        table.add_column(
            header, justify=justify, overflow="fold", no_wrap=header in ("Conjunto", "Resultado")
        )
    for run in sorted(results, key=lambda r: r.slug):
        table.add_row(
            run.slug,
            f"[{STYLE[run.outcome]}]{run.outcome.label}[/]",
            "" if run.rows is None else str(run.rows),
            str(sum(t.created for t in run.targets)),
            str(sum(t.updated for t in run.targets)),
            str(sum(t.deleted for t in run.targets)),
            f"{run.errors}/{run.warnings}",
        )
    out.print(table)
    out.print("[bold]Dónde mirar:[/]")
    for run in sorted(results, key=lambda r: r.slug):
        out.print(f"  {run.slug}: informe {run.report_path}")
        for target in run.targets:
            line = target.url or ""
            if target.error:
                line = f"[red]{target.error}[/]"
            out.print(f"    {target.target}: {line}")
        if run.message and not run.targets:
            out.print(f"    {run.message}")
    site = paths().reports / "site" / "index.html"
    if site.exists():
        out.print(f"[bold]Sitio de informes para auditores:[/] {site}")


@app.command()
def demo() -> None:
    """Copia los envíos de demostración (demo/) a las bandejas de entrada de cada organismo."""
    where = paths()
    catalog = project_catalog()
    copied = 0
    for dataset in catalog.datasets.values():
        if not dataset.demo or dataset.source.kind != "inbox":  # demos are inbox submissions
            continue
        source = where.root / dataset.demo
        folder = where.inbox / dataset.organismo
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / source.name)
        copied += 1
    out.print(f"Se copiaron {copied} envíos de demostración a {where.inbox}.")
    raise typer.Exit(EXIT_OK if copied else EXIT_COULD_NOT_RUN)


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
