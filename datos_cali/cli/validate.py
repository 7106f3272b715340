"""`datos-cali validate FILE --dataset SLUG [--json]` — the organismos' pre-check."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from rich.markup import escape

from datos_cali import messages
from datos_cali.cli.app import app
from datos_cali.cli.common import (
    EXIT_BLOCKED,
    EXIT_COULD_NOT_RUN,
    EXIT_OK,
    dataset_or_none,
    did_you_mean,
    err,
    out,
)
from datos_cali.explain import kind_name
from datos_cali.settings import paths
from datos_cali.spanish import quantity


def _could_not_run(file: Path, slug: str, kind: str, code: str, message: str, as_json: bool):
    if as_json:
        payload = {
            "dataset": slug,
            "file": str(file),
            "publishable": False,
            "rows": 0,
            "columns": [],
            "errors": [
                {
                    "kind": kind,
                    "code": code,
                    "column": None,
                    "header": None,
                    "message": message,
                    "count": 1,
                    "rows": [],
                }
            ],
            "warnings": [],
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        err.print(f"[bold red]Error:[/] {escape(message)}")
    raise typer.Exit(EXIT_COULD_NOT_RUN)


def _path_problem(file: Path) -> tuple[str, str] | None:
    if not file.exists():
        return "archivo_inexistente", messages.PATH_NOT_FOUND.format(path=file)
    if file.is_dir():
        return "es_carpeta", messages.PATH_IS_DIRECTORY.format(path=file)
    if not os.access(file, os.R_OK):
        return "sin_permiso", messages.PATH_UNREADABLE.format(
            path=file, reason="sin permiso de lectura"
        )
    return None


def _unknown_dataset(catalog, slug: str) -> tuple[str, str]:
    """Why `slug` is not in the catalog: its file is broken (say which, and where), or it does
    not exist (and which catalog files could not be read, in case it is one of them)."""
    broken = catalog.file_named(slug)
    if broken is not None:
        problems = "; ".join(str(p) for p in catalog.problems_in(broken))
        return "catalogo_con_errores", messages.CATALOG_FILE_BROKEN.format(
            slug=slug, problems=problems
        )
    if catalog.broken_files():
        files = ", ".join(str(path) for path in catalog.broken_files())
        return "conjunto_desconocido", messages.UNKNOWN_DATASET_BROKEN_FILES.format(
            slug=slug, files=files
        )
    return "conjunto_desconocido", messages.UNKNOWN_DATASET.format(slug=slug)


@app.command()
def validate(
    file: Path = typer.Argument(
        ..., metavar="ARCHIVO", help="Archivo a revisar (CSV, TSV o Excel .xlsx)."
    ),
    dataset: str = typer.Option(
        ..., "--dataset", "-d", help="Identificador del conjunto en el catálogo."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Imprimir un único objeto JSON en la salida estándar."
    ),
) -> None:
    """Revisa un archivo antes de enviarlo: dice si se puede publicar y qué corregir.

    Código de salida: 0 = se puede publicar, 1 = bloqueado, 2 = no se pudo revisar.
    """
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.contracts.schema import ContractError, load_contract
    from datos_cali.precheck import precheck

    problem = _path_problem(file)
    if problem:
        _could_not_run(file, dataset, "format", *problem, as_json)
    catalog, entry = dataset_or_none(dataset)
    if entry is None:
        code, message = _unknown_dataset(catalog, dataset)
        if code == "conjunto_desconocido":
            message += did_you_mean(dataset, catalog.datasets)
        _could_not_run(file, dataset, "metadata", code, message, as_json)
    try:
        contract = load_contract(entry.schema_name, paths().schemas)
    except ContractError as exc:
        _could_not_run(file, dataset, "metadata", "esquema_invalido", str(exc), as_json)
    try:
        result = precheck(file, entry, contract, organismo=catalog.organismo_of(entry))
    except OSError as exc:
        _could_not_run(
            file,
            dataset,
            "format",
            "archivo_ilegible",
            messages.PATH_UNREADABLE.format(path=file, reason=exc.strerror or exc),
            as_json,
        )
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, default=str))
    else:
        _print_human(result)
    raise typer.Exit(EXIT_OK if result.publishable else EXIT_BLOCKED)


def _print_human(result) -> None:
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from rich.table import Table

    out.print(f"[bold]Archivo:[/] {result.file}")
    out.print(
        f"[bold]Conjunto:[/] {result.dataset} — {quantity(result.rows, 'fila')}, "
        f"{quantity(len(result.columns), 'columna')}"
    )
    for title, findings, style in (
        ("Errores (impiden publicar)", result.errors, "red"),
        ("Advertencias", result.warnings, "yellow"),
    ):
        if not findings:
            continue
        table = Table(title=title, title_style=f"bold {style}", show_lines=False, expand=False)
        table.add_column("Tipo")
        table.add_column("Columna")
        table.add_column("Filas", justify="right")
        table.add_column("Detalle")
        for finding in findings:
            rows = ", ".join(map(str, finding.rows[:5])) + (
                "…" if finding.count > 5 and finding.rows else ""
            )
            table.add_row(
                kind_name(finding.kind),
                escape(_column_cell(finding)),
                rows or "—",
                escape(finding.for_organismo()),
            )
        out.print(table)
    if result.scores:
        _print_scores(result)
    verdict = messages.VERDICT_PUBLISHABLE if result.publishable else messages.VERDICT_BLOCKED
    out.print(f"[bold {'green' if result.publishable else 'red'}]{verdict}[/]")


def _column_cell(finding) -> str:
    """The field name and, when it differs, the header as written in the file."""
    if finding.column is None:
        return "—"
    if finding.header and finding.header != finding.column:
        return f"{finding.column} («{finding.header}»)"
    return finding.column


def _print_scores(result) -> None:
    """One compact line: «Completitud 9,8 · Unicidad 10,0 · …» and the weighted index."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.quality import messages as quality_messages
    from datos_cali.quality import registry

    names = {criterion.id: criterion.name for criterion in registry()}
    scores = " · ".join(  # a no-break space keeps each name with its score
        f"{names.get(key, key)}\u00a0{quality_messages.decimal(value)}"
        for key, value in result.scores.items()
    )
    out.print(f"[bold]{quality_messages.SCORES_TITLE}:[/] {scores}", soft_wrap=False)
    if result.overall is not None:
        overall = quality_messages.SCORES_OVERALL.format(
            value=quality_messages.decimal(result.overall)
        )
        out.print(f"[bold]{overall}[/]")
