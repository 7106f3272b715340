"""`datos-cali compliance report` — each organismo's opening plan, currency, new and updated."""

from __future__ import annotations

import json

import typer

from datos_cali.cli.app import compliance_app
from datos_cali.cli.common import EXIT_OK, out, project_catalog

TITLE = "Cumplimiento del plan de apertura {year} (cifras al {as_of})"
INDICATOR = (
    "Indicador del plan (meta 100 %): {published} de {committed} conjuntos comprometidos "
    "publicados ({share}); a tiempo: {on_time} ({share_on_time})."
)
CURRENCY = "Conjuntos al día: {current} · desactualizados: {stale} · sin publicar: {never}."
ACTIVITY = "En {year}: {new} conjuntos nuevos y {updated} actualizados."
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
    from datos_cali.ledger import open_ledger

    with open_ledger() as ledger:
        report = compliance_from_ledger(ledger, project_catalog(), year)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_report(report)
    raise typer.Exit(EXIT_OK)


def _print_report(report) -> None:
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.spanish import percent

    total = report.overall
    out.print(f"[bold]{TITLE.format(year=report.year, as_of=report.cut_day.isoformat())}[/]")
    if total.committed:
        out.print(
            INDICATOR.format(
                published=total.published,
                committed=total.committed,
                share=percent(total.share_published),
                on_time=total.on_time,
                share_on_time=percent(total.share_on_time),
            )
        )
    else:
        out.print(NO_PLAN.format(year=report.year))
    out.print(
        CURRENCY.format(
            current=len(total.current), stale=len(total.stale), never=len(total.never_published)
        )
    )
    out.print(ACTIVITY.format(year=report.year, new=len(total.new), updated=len(total.updated)))
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

    from datos_cali.compliance.report import ZONE

    table = Table(title="Conjuntos desactualizados", title_justify="left")
    for header in ("Conjunto", "Frecuencia", "Última actualización", "Días de atraso"):
        table.add_column(header, overflow="fold")
    for s in stale:
        table.add_row(
            s.title, s.frequency, f"{s.last_success.astimezone(ZONE):%Y-%m-%d}", str(s.days_late)
        )
    return table
