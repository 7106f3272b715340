"""How a run of one dataset ended: the one vocabulary the ledger, the CLI, the flows and the
report site share, with the Spanish words people read.

The ledger stores the enum's value (English, stable); everything a person reads goes through
`Outcome.label` (lower case, for sentences and tables) or `Outcome.title` (a heading or badge).
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    PUBLISHED = "published"  # the portal confirmed the new rows
    # A run that died between the portal's confirmation and its ledger row, recorded afterwards
    # from what the portal shows (`datos_cali.pipeline.recovery`).
    RECOVERED = "recovered"
    UNCHANGED = "unchanged"  # same bytes or same rows as last published: nothing sent
    NO_NEW_FILE = "no_new_file"  # the source had no submission waiting (an empty inbox)
    UNRECOGNISED = "unrecognised"  # the inbox holds files whose names match no dataset
    REJECTED = "rejected"  # the contract or a quality gate stopped it: final, not retried
    FAILED = "failed"  # something broke (network, portal, bug): may be retried

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def title(self) -> str:
        return _LABELS[self].capitalize()

    @property
    def help(self) -> str:
        """What the outcome means, for a legend."""
        return _HELP[self]


_LABELS = {
    Outcome.PUBLISHED: "publicado",
    Outcome.RECOVERED: "publicado (recuperado)",
    Outcome.UNCHANGED: "sin cambios",
    Outcome.NO_NEW_FILE: "sin archivo nuevo",
    Outcome.UNRECOGNISED: "archivo no reconocido",
    Outcome.REJECTED: "rechazado",
    Outcome.FAILED: "falló",
}
_HELP = {
    Outcome.PUBLISHED: "el portal confirmó los datos enviados",
    Outcome.RECOVERED: (
        "la ejecución se interrumpió después de escribir en el portal; una ejecución posterior "
        "comprobó en el portal lo que había recibido y lo anotó"
    ),
    Outcome.UNCHANGED: "llegó un archivo, pero sus datos ya estaban publicados: no se envió nada",
    Outcome.NO_NEW_FILE: "no había ningún archivo nuevo del conjunto que revisar",
    Outcome.UNRECOGNISED: (
        "en la bandeja del organismo hay archivos cuyo nombre no corresponde a ningún conjunto"
    ),
    Outcome.REJECTED: "el archivo no cumplió el contrato o los criterios: no se publicó",
    Outcome.FAILED: "algo falló (red, portal o error interno); se puede reintentar",
}

# The order of verdict columns and badges everywhere (site, CLI summaries).
VERDICT_ORDER = (
    Outcome.PUBLISHED,
    Outcome.RECOVERED,
    Outcome.UNCHANGED,
    Outcome.NO_NEW_FILE,
    Outcome.UNRECOGNISED,
    Outcome.REJECTED,
    Outcome.FAILED,
)
# Which outcome speaks for several (a run's targets): a failure anywhere, then a publication.
# (Only a run that reached the portals has several; it is never «sin archivo nuevo».)
SEVERITY_ORDER = (Outcome.FAILED, Outcome.PUBLISHED, Outcome.RECOVERED, Outcome.UNCHANGED)
# Outcomes after which the portal holds the row's data: "last published" reads both.
PUBLISHED_OUTCOMES = (Outcome.PUBLISHED, Outcome.RECOVERED)
# Runs that ended before a file was analysed because there was none to take.
NOTHING_TAKEN = (Outcome.NO_NEW_FILE, Outcome.UNRECOGNISED)
# A run that ended before any portal was chosen (nothing new, rejected, the source failed).
NO_TARGET = "none"


def label(value: str | None, default: str = "—") -> str:
    """The Spanish word for a stored outcome value; `default` for none or an unknown value."""
    try:
        return Outcome(value).label
    except ValueError:
        return default


def overall(outcomes: set[str] | list[str]) -> Outcome:
    """One outcome for a run to several portals: a failure anywhere wins, then a publication."""
    present = set(outcomes)
    return next((o for o in SEVERITY_ORDER if o in present), Outcome.UNCHANGED)
