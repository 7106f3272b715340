"""Where submissions come from: an organismo's inbox, a URL, a SQL query, another portal, a file.

Every source ends as a local file of bytes (a table read from a database or a portal is written
as UTF-8 CSV), so the raw archive and the reader treat them all the same, and every publication
traces back to exact bytes. Kinds are found by name in `datos_cali.sources.registry`.
"""

from datos_cali.sources.base import (
    NothingNew,
    OlderThanPublished,
    Pulled,
    SourceError,
    SourceKind,
    SourceSettings,
    Unrecognised,
)
from datos_cali.sources.registry import KINDS, SourceConfigError, pull, settings_of

__all__ = [
    "KINDS",
    "NothingNew",
    "OlderThanPublished",
    "Pulled",
    "SourceConfigError",
    "SourceError",
    "SourceKind",
    "SourceSettings",
    "Unrecognised",
    "pull",
    "settings_of",
]
