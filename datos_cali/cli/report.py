"""`datos-cali report …` commands (registered on `report_app`): the auditors' report site."""

from __future__ import annotations

from pathlib import Path

import typer

from datos_cali.cli.app import report_app
from datos_cali.cli.common import EXIT_OK, die, err, out, project_catalog
from datos_cali.spanish import agree, quantity

OUT_HELP = "Carpeta donde escribir el sitio (por omisión, <estado>/reports/site)."
CATALOG_PROBLEMS = (
    "[yellow]Aviso:[/] el catálogo tiene {count} problema (revíselo con "
    "`datos-cali catalog check`); el sitio muestra los conjuntos que sí se pudieron leer.",
    "[yellow]Aviso:[/] el catálogo tiene {count} problemas (revíselos con "
    "`datos-cali catalog check`); el sitio muestra los conjuntos que sí se pudieron leer.",
)
BUILT = "[green]Sitio de informes generado[/] en {index}: {pages}, {datasets}, {runs} y {reports}."
EMPTY = "Aún no hay ejecuciones registradas: el sitio lo indica en cada página."
SITE_HELP = "Carpeta del sitio de informes (por omisión, <estado>/reports/site)."
PDF_WRITTEN = "[green]PDF escrito[/] en {path} ({size} KB)."


@report_app.command("build")
def build(
    out_dir: Path | None = typer.Option(None, "--out", metavar="CARPETA", help=OUT_HELP),
) -> None:
    """Genera el sitio estático de informes de calidad para auditores (índice, organismos, conjuntos)."""
    # Deferred, like every engine a command uses: the CLI registers all its commands at
    # start-up, and `datos-cali validate` must not pay for the ledger or the site.
    from datos_cali import auditsite
    from datos_cali.ledger import open_ledger
    from datos_cali.reportsite import DestinationError

    catalog = project_catalog()
    if catalog.problems:
        err.print(agree(CATALOG_PROBLEMS, len(catalog.problems)))
    try:
        with open_ledger() as ledger:
            site = auditsite.build(out_dir, ledger=ledger, catalog=catalog)
    except DestinationError as exc:
        die(str(exc))
    out.print(
        BUILT.format(
            index=site.index,
            pages=quantity(len(site.pages), "página"),
            datasets=quantity(site.datasets, "conjunto"),
            runs=quantity(site.runs, "ejecución", "ejecuciones"),
            reports=quantity(site.reports, "informe JSON", "informes JSON"),
        )
    )
    if site.runs == 0:
        out.print(EMPTY)
    raise typer.Exit(EXIT_OK)


@report_app.command("pdf")
def pdf(
    slug: str = typer.Argument(..., metavar="CONJUNTO", help="Identificador del conjunto."),
    destination: Path | None = typer.Option(
        None,
        "--out",
        metavar="ARCHIVO",
        help="Dónde escribir el PDF (por omisión, junto a la página).",
    ),
    site: Path | None = typer.Option(None, "--site", metavar="CARPETA", help=SITE_HELP),
) -> None:
    """Genera el PDF de la página de auditoría de un conjunto, desde el mismo HTML del sitio."""
    # Deferred, like every engine a command uses (see datos_cali.cli).
    from datos_cali.reportsite import default_out_dir
    from datos_cali.reportsite.pdf import PdfError, dataset_pdf

    try:
        target = dataset_pdf(site or default_out_dir(), slug, destination)
    except PdfError as exc:
        die(str(exc))
    out.print(PDF_WRITTEN.format(path=target, size=target.stat().st_size // 1024))
    raise typer.Exit(EXIT_OK)
