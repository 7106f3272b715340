"""What every command needs: the consoles, the catalog, and clean exits with Spanish messages."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console

from datos_cali.settings import paths

EXIT_OK, EXIT_BLOCKED, EXIT_COULD_NOT_RUN = 0, 1, 2

# Piped or captured output (make, CI, logs) gets a wide console instead of rich's 80 columns.
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def die(message: str, code: int = EXIT_COULD_NOT_RUN) -> NoReturn:
    err.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(code)


def project_catalog():
    """The catalog of this checkout (`DATOS_CALI_HOME`), parsed once per version of its files."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    from datos_cali.catalog import load_catalog

    return load_catalog(paths().catalog)


def dataset_or_none(slug: str):
    catalog = project_catalog()
    return catalog, catalog.dataset(slug)


DID_YOU_MEAN = " ¿Quiso decir {options}?"


def did_you_mean(wrong: str, known) -> str:
    """« ¿Quiso decir «vacunacion-covid19»?» for a near miss among `known`; empty if none."""
    # Deferred: a command loads its engine only when it runs (see datos_cali.cli).
    import difflib

    close = difflib.get_close_matches(wrong, list(known), n=2)
    if not close:
        close = [name for name in known if wrong and (wrong in name or name in wrong)][:2]
    if not close:
        return ""
    return DID_YOU_MEAN.format(options=" o ".join(f"«{name}»" for name in close))
