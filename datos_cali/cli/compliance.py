"""`datos-cali compliance report` — each organismo's opening plan, currency, new and updated."""

from __future__ import annotations

import json

import typer

from datos_cali.cli.app import compliance_app
from datos_cali.cli.common import EXIT_OK, out, project_catalog
from datos_cali.settings import OFFICE_ZONE as ZONE
from datos_cali.settings import paths

TITLE = "Cumplimiento del plan de apertura {year} (cifras al {as_of})"
NOT_RECORDED = (
    "No hay ejecuciones registradas hasta el cierre de {year}: el registro empieza el {first}, "
    "así que el cumplimiento de {year} no se puede medir con él.{figures}"
)
NOTHING_RECORDED = "Todavía no hay ejecuciones registradas: no hay cumplimiento que medir."
OFFICE_FIGURES = " Las cifras que la oficina informó para ese año están en el conjunto «{title}»."
OFFICE_TOTALS = (
    " Según las cifras publicadas por la oficina en «{title}», conjuntos comprometidos "
    "publicados: {published} de {committed}; a tiempo: {on_time} de {committed}."
)
INDICATOR = (
    "Plan de apertura (meta 100 %), conjuntos comprometidos publicados: {published} de "
    "{committed} ({share}); a tiempo: {on_time} de {committed} ({share_on_time}); "
    "sin publicar: {missing} de {committed} (vencidos: {overdue}; pendientes: {pending})."
)
CURRENCY = "Catálogo ({size}): al día {current} · desactualizados {stale} · sin publicar {never}."
ACTIVITY = "En {year}: {new} y {updated}."
NO_PLAN = "Ningún organismo tiene plan de apertura para {year}."
SUMMARY_HEADERS = (
    "Compromisos",
    "Publicados",
    "%",
    "A tiempo",
    "%",
    "Desact.",
    "Nuevos",
    "Actual.",
)


@compliance_app.command("report")
def report_command(
    year: int | None = typer.Option(
        None,
        "--year",
        metavar="AÑO",
        help="Año del plan (por defecto, el año en curso o el último con plan).",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Imprimir un único objeto JSON en la salida estándar."
    ),
) -> None:
    """Cumplimiento por organismo: plan de apertura (publicados y a tiempo), conjuntos
    desactualizados según su frecuencia, y conjuntos nuevos frente a actualizados."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.compliance import compliance_from_ledger
    from datos_cali.compliance.published import published_figures
    from datos_cali.ledger import open_ledger

    catalog = project_catalog()
    with open_ledger() as ledger:
        report = compliance_from_ledger(ledger, catalog, year)
        published = (
            None if report.recorded else published_figures(ledger, catalog, report.year, paths())
        )
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_report(report, catalog, published)
    raise typer.Exit(EXIT_OK)


def _print_report(report, catalog, published=None) -> None:
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.compliance import Status
    from datos_cali.compliance.figures import COMPLIANCE_DATASET
    from datos_cali.spanish import percent, quantity

    total = report.overall
    if report.first_run is None:
        out.print(NOTHING_RECORDED)
        return
    if not report.recorded:
        office = catalog.datasets.get(COMPLIANCE_DATASET)
        figures = OFFICE_FIGURES.format(title=office.title) if office else ""
        if published is not None:
            figures = OFFICE_TOTALS.format(**vars(published))
        first = report.first_run.astimezone(ZONE).date().isoformat()
        out.print(NOT_RECORDED.format(year=report.year, first=first, figures=figures))
        return
    out.print(f"[bold]{TITLE.format(year=report.year, as_of=report.cut_day.isoformat())}[/]")
    if total.committed:
        statuses = [c.status for c in total.commitments]
        out.print(
            INDICATOR.format(
                published=total.published,
                committed=total.committed,
                share=percent(total.share_published),
                on_time=total.on_time,
                share_on_time=percent(total.share_on_time),
                missing=total.committed - total.published,
                overdue=statuses.count(Status.OVERDUE),
                pending=statuses.count(Status.PENDING),
            )
        )
    else:
        out.print(NO_PLAN.format(year=report.year))
    out.print(
        CURRENCY.format(
            size=quantity(report.catalog_size, "conjunto"),
            current=len(total.current),
            stale=len(total.stale),
            never=len(total.never_published),
        )
    )
    out.print(
        ACTIVITY.format(
            year=report.year,
            new=quantity(len(total.new), "conjunto nuevo", "conjuntos nuevos"),
            updated=quantity(len(total.updated), "actualizado", "actualizados"),
        )
    )
    out.print(_summary_table(report))
    missed = [c for c in total.commitments if c.status != "on_time"]
    if missed:
        out.print(_commitments_table(missed))
    if total.stale:
        out.print(_stale_table(total.stale))


def _summary_table(report):
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    from datos_cali.spanish import percent

    table = Table(title="Por organismo", title_justify="left")
    table.add_column("Organismo", overflow="fold", min_width=18)
    for header in SUMMARY_HEADERS:
        table.add_column(header, justify="right", no_wrap=True)
    for entry in [*report.organismos, report.overall]:
        table.add_row(
            f"[bold]{entry.name}[/]" if entry is report.overall else entry.name,
            str(entry.committed),
            str(entry.published),
            percent(entry.share_published),
            str(entry.on_time),
            percent(entry.share_on_time),
            str(len(entry.stale)),
            str(len(entry.new)),
            str(len(entry.updated)),
        )
    return table


def _commitments_table(commitments):
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    from datos_cali.compliance import STATUS_ES

    table = Table(title="Compromisos no cumplidos a tiempo", title_justify="left")
    for header in ("Organismo", "Conjunto", "Fecha meta", "Primera publicación", "Estado"):
        table.add_column(header, overflow="fold")
    for c in commitments:
        table.add_row(
            c.organismo,
            c.title,
            c.due.isoformat(),
            c.first_published.isoformat() if c.first_published else "—",
            STATUS_ES[c.status],
        )
    return table


def _stale_table(stale):
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    table = Table(title="Conjuntos desactualizados", title_justify="left")
    for header in ("Conjunto", "Frecuencia", "Última actualización", "Días de atraso"):
        table.add_column(header, overflow="fold")
    for s in stale:
        table.add_row(
            s.title, s.frequency, f"{s.last_success.astimezone(ZONE):%Y-%m-%d}", str(s.days_late)
        )
    return table
