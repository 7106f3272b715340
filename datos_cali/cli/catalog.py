"""`datos-cali catalog check|list` — the Transparency Office's view of its catalog."""

from __future__ import annotations

import typer

from datos_cali.cli.app import catalog_app
from datos_cali.cli.common import EXIT_BLOCKED, EXIT_OK, out, project_catalog
from datos_cali.settings import paths


@catalog_app.command("check")
def check() -> None:
    """Valida todo el catálogo: claves, organismos, esquemas y columnas. Sale con 1 si hay errores."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.catalog_check import check_catalog

    where = paths()
    catalog, problems = check_catalog(where.catalog, where.schemas, where.root)
    if problems:
        out.print(f"[bold red]El catálogo tiene {len(problems)} problemas:[/]")
        for problem in problems:
            out.print(f"  • [bold]{problem.file}[/]: {problem.message}")
        raise typer.Exit(EXIT_BLOCKED)
    out.print(
        f"[green]Catálogo correcto:[/] {len(catalog.datasets)} conjuntos de "
        f"{len(catalog.organismos)} organismos."
    )
    raise typer.Exit(EXIT_OK)


@catalog_app.command("list")
def list_datasets() -> None:
    """Lista los conjuntos del catálogo con su organismo, frecuencia y portales."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    catalog = project_catalog()
    table = Table(title="Catálogo de conjuntos de datos")
    for header in ("Identificador", "Organismo", "Frecuencia", "Portales"):
        table.add_column(header)
    for slug, dataset in sorted(catalog.datasets.items()):
        table.add_row(
            slug,
            dataset.organismo,
            dataset.frequency.value,
            ", ".join(t.portal for t in dataset.targets),
        )
    out.print(table)
