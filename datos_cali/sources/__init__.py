"""Where submissions come from: an organismo's inbox, a URL, a SQL query, another portal, a file.

Every source ends as a local file of bytes (a table read from a database or a portal is written
as UTF-8 CSV), so the raw archive and the reader treat them all the same, and every publication
traces back to exact bytes.
"""

from datos_cali.sources.base import NothingNew, Pulled, SourceError, pull

__all__ = ["NothingNew", "Pulled", "SourceError", "pull"]
