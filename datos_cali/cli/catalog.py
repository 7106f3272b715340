"""`datos-cali catalog check|list|checks` — the Transparency Office's view of its catalog."""

from __future__ import annotations

import typer
from rich.markup import escape

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
            out.print(f"  • [bold]{escape(problem.place)}[/]: {escape(problem.message)}")
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


@catalog_app.command("checks")
def list_checks() -> None:
    """Lista las reglas que un esquema puede usar, con sus parámetros y un ejemplo."""
    from rich.table import Table

    from datos_cali.contracts.rules import KIND_ANY, rules

    for level, title in (("column", "Reglas de columna"), ("table", "Reglas de tabla (checks:)")):
        table = Table(title=title, show_lines=True)
        for header in ("Regla", "Qué exige", "Parámetros", "Ejemplo"):
            table.add_column(header)
        for rule in rules(level):
            parameters = "\n".join(
                f"{p.name}{'' if p.required else ' (opcional)'}: {p.description}"
                for p in rule.parameters
            )
            what = rule.description
            if rule.applies_to != KIND_ANY:
                what += f" (columnas de {rule.applies_to})"
            if rule.at_least_one:
                what += "; al menos un parámetro"
            table.add_row(*(escape(cell) for cell in (rule.name, what, parameters, rule.example())))
        out.print(table)
    out.print(
        "Los valores de texto que YAML leería como otra cosa (true, 01, 2024) van entre comillas; "
        "SI, NO, on y off se leen como texto."
    )
