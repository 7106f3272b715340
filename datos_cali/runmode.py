"""Whether a run is a rehearsal on the embedded local portal or the office's real publication.

`DATOS_CALI_MODE` says it, explicitly, so a missing credential can never turn a production run
into a rehearsal without anyone noticing:

    local        (default: `make run`, the tests, the demo) portals without credentials are the
                 embedded local portal; the ledger may be the SQLite file in the state folder.
    produccion   every portal needs its credentials (environment or Prefect Secret blocks) and
                 the ledger needs `DATOS_CALI_DB_URL`; the embedded portal never starts. What is
                 missing stops the run before anything is read or written.

Either way the ledger records which portal instance was written (`runs.portal`: the adapter's
key, `socrata@www.datos.gov.co` or `socrata@local`), so a rehearsal never reads as datos.gov.co.
"""

from __future__ import annotations

import os
from enum import StrEnum

MODE_ENV = "DATOS_CALI_MODE"
BAD_MODE = "DATOS_CALI_MODE debe ser «local» o «produccion», no «{value}»."
NOT_READY = (
    "No se puede publicar en modo producción: {missing}. No se escribió nada en ningún portal."
)
NO_LOCAL_PORTAL = (
    "En modo producción no se usa el portal local: configure las credenciales de «{target}»."
)


class Mode(StrEnum):
    LOCAL = "local"
    PRODUCTION = "produccion"


class ModeError(Exception):
    """The installation is not ready for the mode it asks for; the message is for the operator."""


_ALIASES = {"local": Mode.LOCAL, "produccion": Mode.PRODUCTION, "producción": Mode.PRODUCTION}


def current() -> Mode:
    """The mode of this process, from `DATOS_CALI_MODE` (default `local`)."""
    raw = os.environ.get(MODE_ENV, "").strip()
    if not raw:
        return Mode.LOCAL
    try:
        return _ALIASES[raw.lower()]
    except KeyError:
        raise ModeError(BAD_MODE.format(value=raw)) from None


def is_production() -> bool:
    return current() == Mode.PRODUCTION


def not_ready(missing: list[str]) -> ModeError:
    """The one error for everything a production run lacks, listed together."""
    return ModeError(NOT_READY.format(missing="; ".join(missing)))
