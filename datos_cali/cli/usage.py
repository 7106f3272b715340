"""`datos-cali usage collect|report` — the portals' visits and downloads, collected and reported."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import typer

from datos_cali import csvsafe
from datos_cali.cli.app import usage_app
from datos_cali.cli.common import EXIT_BLOCKED, EXIT_OK, die, out, project_catalog
from datos_cali.settings import paths
from datos_cali.spanish import agree

BOTH_FORMATS = "Use --json o --csv, no ambos."
IMPORT_FILE_HELP = "CSV con las columnas del conjunto uso-portales-datos-abiertos."
NO_FILE = "No se encuentra el archivo «{path}»."
NOTHING_PUBLISHED = "No hay conjuntos publicados todavía: no hay contadores que leer."
NO_READINGS = "Todavía no hay lecturas de uso. Ejecute «datos-cali usage collect»."
NO_READINGS_YEAR = "No hay lecturas de uso de {year}: las lecturas guardadas empiezan el {first}."
IMPORTED_LINE = (
    "Incluye lecturas de fin de mes importadas de las cifras mensuales de la oficina "
    "(«datos-cali usage import»)."
)
IMPORTED_DONE = (
    "Se guardó {count} lectura de fin de mes de {years}; "
    "«datos-cali usage report --year {last}» la muestra.",
    "Se guardaron {count} lecturas de fin de mes de {years}; "
    "«datos-cali usage report --year {last}» las muestra.",
)
IMPORTED_BEFORE = (
    "La lectura de fin de mes de {years} ya estaba guardada.",
    "Las {count} lecturas de fin de mes de {years} ya estaban guardadas.",
)
KEPT = {True: "guardada", False: "ya había una hoy"}
UNTRACKED = "sin seguimiento"
NOT_STORED = "no se guarda"
UNTRACKED_NOTE = (
    "«Sin seguimiento»: el portal no lleva la cuenta de visitas y descargas (CKAN sin el "
    "complemento «tracking»); no se guardan ceros. Importe el uso desde los registros del "
    "servidor web con «datos-cali usage import-logs»."
)
REPORT_TITLE = "Uso de los datos abiertos{year}"
SUMMARY = (
    "Lecturas del {first} al {last}. Visitas: {views} · Descargas: {downloads} · "
    "Descargas por visita: {ratio}"
)
RESETS = "Contadores reiniciados por el portal: {count} (se contó el valor nuevo como uso)."
GROUP_TITLES = {
    "portal": "Por portal",
    "year": "Por año",
    "month": "Por mes",
    "organismo": "Por organismo",
}


@usage_app.command("collect")
def collect_command() -> None:
    """Lee una vez los contadores de visitas y descargas de cada conjunto publicado y los guarda.

    Sin Prefect, contra los portales configurados (el portal local si no hay credenciales).
    Una segunda lectura el mismo día no cambia nada: se conserva la primera del día.
    Sale con 1 si algún portal o conjunto no se pudo leer.
    """
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    from datos_cali.ledger import open_ledger
    from datos_cali.portals.session import PortalSession
    from datos_cali.spanish import number
    from datos_cali.usage import CollectionFailed, collect, office_day

    where = paths()
    now = dt.datetime.now(dt.UTC)
    failures = []
    with PortalSession.configured(where.state) as session, open_ledger() as ledger:
        try:
            snapshots = collect(session, ledger, project_catalog(), now)
        except CollectionFailed as exc:
            snapshots, failures = exc.snapshots, exc.failures
    untracked = getattr(snapshots, "untracked", [])
    if snapshots or untracked:
        table = Table(title=f"Lectura de uso del {office_day(now).isoformat()}")
        for header, justify in (
            ("Conjunto", "left"),
            ("Portal", "left"),
            ("Visitas", "right"),
            ("Descargas", "right"),
            ("Lectura", "left"),
        ):
            table.add_column(header, justify=justify)
        for s in snapshots:
            table.add_row(s.dataset, s.target, number(s.views), number(s.downloads), KEPT[s.kept])
        for u in untracked:
            table.add_row(u.dataset, u.target, UNTRACKED, UNTRACKED, NOT_STORED)
        out.print(table)
        if untracked:
            out.print(UNTRACKED_NOTE)
    elif not failures:
        out.print(NOTHING_PUBLISHED)
    for failure in failures:
        out.print(f"[red]{failure.message}[/]")
    raise typer.Exit(EXIT_BLOCKED if failures else EXIT_OK)


@usage_app.command("report")
def report_command(
    year: int | None = typer.Option(
        None, "--year", metavar="AÑO", help="Solo este año (por defecto, todo)."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Imprimir un único objeto JSON en la salida estándar."
    ),
    as_csv: bool = typer.Option(
        False, "--csv", help="Imprimir CSV: una fila por agrupación (conjunto, organismo, mes…)."
    ),
) -> None:
    """Visitas y descargas por conjunto, organismo, portal, mes y año, y los más consultados."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.ledger import open_ledger
    from datos_cali.usage import usage_report

    if as_json and as_csv:
        die(BOTH_FORMATS)
    with open_ledger() as ledger:
        report = usage_report(ledger, project_catalog(), year)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    elif as_csv:
        rows = report.csv_rows()
        # Titles and names come from the catalog and the organismos: formulas neutralised.
        writer = csvsafe.dict_writer(sys.stdout, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    else:
        _print_report(report)
    raise typer.Exit(EXIT_OK)


@usage_app.command("import")
def import_command(
    file: Path = typer.Argument(..., metavar="ARCHIVO", help=IMPORT_FILE_HELP),
) -> None:
    """Guarda cifras mensuales de uso anteriores a las lecturas diarias (un archivo con la forma
    del conjunto uso-portales-datos-abiertos) como lecturas de fin de mes."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.ledger import open_ledger
    from datos_cali.usage.imported import FiguresError, import_monthly_figures

    if not file.is_file():
        die(NO_FILE.format(path=file))
    try:
        with open_ledger() as ledger:
            done = import_monthly_figures(file, project_catalog(), paths().schemas, ledger)
    except FiguresError as exc:
        die(str(exc))
    print_imported(done)
    raise typer.Exit(EXIT_OK)


def print_imported(done) -> None:
    years = ", ".join(map(str, done.years))
    if done.stored == 0:
        out.print(agree(IMPORTED_BEFORE, done.readings, years=years))
        return
    out.print(agree(IMPORTED_DONE, done.stored, years=years, last=done.years[-1]))


def _print_report(report) -> None:
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.spanish import decimal, number

    suffix = f" de {report.year}" if report.year else ""
    if report.empty:
        if report.year and report.readings_from:
            out.print(NO_READINGS_YEAR.format(year=report.year, first=report.readings_from))
        else:
            out.print(NO_READINGS)
        return
    out.print(f"[bold]{REPORT_TITLE.format(year=suffix)}[/]")
    out.print(
        SUMMARY.format(
            first=report.first_day.isoformat(),
            last=report.last_day.isoformat(),
            views=number(report.total.views),
            downloads=number(report.total.downloads),
            ratio=decimal(report.total.downloads_per_visit),
        )
    )
    if report.imported_days:
        out.print(IMPORTED_LINE)
    if report.resets:
        out.print(RESETS.format(count=report.resets))
    for name in ("portal", "year", "month", "organismo"):
        out.print(_table(GROUP_TITLES[name], report.groups()[name]))
    out.print(_table("Por conjunto", report.by_dataset, organismo=True))
    out.print(_table("Los más visitados", report.top("views")))
    out.print(_table("Los más descargados", report.top("downloads")))


def _table(title: str, lines, *, organismo: bool = False):
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    from datos_cali.spanish import decimal, number

    table = Table(title=title, title_justify="left")
    table.add_column("Nombre", overflow="fold")
    if organismo:
        table.add_column("Organismo")
    for header in ("Visitas", "Descargas", "Descargas por visita"):
        table.add_column(header, justify="right")
    for line in lines:
        cells = [line.label, *([line.organismo or ""] if organismo else [])]
        table.add_row(
            *cells,
            number(line.views),
            number(line.downloads),
            decimal(line.downloads_per_visit),
        )
    return table


LOGS_HELP = "Registros de acceso del servidor web (formato combinado; también .gz)."
LOGS_PORTAL_HELP = "El portal que ese servidor web sirve."
LOGS_DONE = (
    "Registros: {lines} líneas; visitas {views}, descargas {downloads}; "
    "de robots {bots}; de conjuntos no publicados {ignored}; ilegibles {unreadable}."
)
LOGS_STORED = "Lecturas guardadas: {stored} de {readings} (días {first} a {last})."
LOGS_NOTHING = "No se guardó ninguna lectura nueva (los días ya estaban importados o no hay uso)."
LOGS_TODAY = "Las {count} solicitudes de hoy se importarán cuando el día termine."


@usage_app.command("import-logs")
def import_logs_command(
    files: list[Path] = typer.Argument(..., metavar="ARCHIVO", help=LOGS_HELP),
    portal: str = typer.Option("datos.cali.gov.co", "--portal", help=LOGS_PORTAL_HELP),
) -> None:
    """Guarda el uso leído de los registros de acceso del servidor web del portal: visitas a la
    página de cada conjunto y descargas de sus archivos, sin robots. Para un CKAN que no lleva
    la cuenta («sin seguimiento»). Un día ya importado no se cuenta dos veces; hoy no se guarda."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.ledger import open_ledger
    from datos_cali.portals.base import PortalError
    from datos_cali.portals.session import PortalSession
    from datos_cali.portals.state import PublicationState
    from datos_cali.usage import published_assets
    from datos_cali.usage.accesslogs import AccessLogError, import_access_logs

    for file in files:
        if not file.is_file():
            die(NO_FILE.format(path=file))
    where = paths()
    catalog = project_catalog()
    try:
        with PortalSession.configured(where.state) as session, open_ledger() as ledger:
            adapter = session.open(portal)
            try:
                state = PublicationState(where.state, adapter.key)
                assets = published_assets(catalog, portal, state)
                resources = adapter.resource_ids([a.asset_id for a in assets])
            finally:
                adapter.close()
            done = import_access_logs(
                files, portal, assets, resources, ledger, dt.datetime.now(dt.UTC)
            )
    except (AccessLogError, PortalError) as exc:
        die(str(exc))
    out.print(
        LOGS_DONE.format(
            lines=done.lines,
            views=done.views,
            downloads=done.downloads,
            bots=done.bots,
            ignored=done.ignored,
            unreadable=done.unreadable,
        )
    )
    if done.stored:
        first, last = done.days[0].isoformat(), done.days[-1].isoformat()
        out.print(
            LOGS_STORED.format(stored=done.stored, readings=done.readings, first=first, last=last)
        )
    else:
        out.print(LOGS_NOTHING)
    if done.today:
        out.print(LOGS_TODAY.format(count=done.today))
    raise typer.Exit(EXIT_OK)
