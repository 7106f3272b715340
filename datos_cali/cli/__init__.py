"""Command-line interface: `datos-cali …` (Spanish for people, exit codes for scripts).

Every command module registers itself here at start-up, so a command imports its engine (the
ledger, the report site, pandas and pandera, Prefect…) inside the function that runs it: start-up
stays under a fifth of a second, `datos-cali --help` and `catalog list` never load Prefect, and
`validate` (an organismo's pre-check) loads only what it uses.
"""

from __future__ import annotations

import sys
import traceback

from datos_cali.cli import catalog as _catalog  # noqa: F401  (registers commands)
from datos_cali.cli import compliance as _compliance  # noqa: F401
from datos_cali.cli import portal as _portal  # noqa: F401
from datos_cali.cli import report as _report  # noqa: F401
from datos_cali.cli import run as _run  # noqa: F401
from datos_cali.cli import servidor as _servidor  # noqa: F401
from datos_cali.cli import usage as _usage  # noqa: F401
from datos_cali.cli import validate as _validate  # noqa: F401
from datos_cali.cli import ventanilla as _ventanilla  # noqa: F401
from datos_cali.cli.app import app
from datos_cali.settings import paths

UNEXPECTED = (
    "Ocurrió un error inesperado ({kind}). No se publicó nada. "
    "El detalle técnico quedó en {log}; compártalo con el equipo de datos."
)


def main() -> None:
    """Entry point: no traceback ever reaches a person; it goes to the error log instead."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("Interrumpido.", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # the last line of defence, logged in full
        log = _log_exception(exc)
        print(UNEXPECTED.format(kind=type(exc).__name__, log=log), file=sys.stderr)
        sys.exit(2)


def _log_exception(exc: Exception) -> str:
    try:
        logs = paths().state / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / "errores.log"
        with path.open("a", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(exc)))
        return str(path)
    except OSError:
        return "(no se pudo escribir el registro)"
