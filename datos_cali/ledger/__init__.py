"""The run ledger: one append-only row per run and target, in SQLite or PostgreSQL.

from datos_cali.ledger import open_ledger
with open_ledger() as ledger:          # migrates to head first; DATOS_CALI_DB_URL overrides
    ledger.record({...})               # no update, no delete: history stays as it happened
    ledger.last_published("contratos", "datos.gov.co")
"""

from datos_cali.ledger import ventanilla  # noqa: F401  (its tables join Base.metadata)
from datos_cali.ledger.engine import create_ledger_engine, display_url, ledger_url
from datos_cali.ledger.models import Base, PublicationIntent, RunRecord
from datos_cali.ledger.repository import Ledger, OutcomeCount, new_run_id, open_ledger
from datos_cali.ledger.versioning import (
    current_revision,
    downgrade,
    head_revision,
    migrate,
    new_revision,
)

__all__ = [
    "Base",
    "Ledger",
    "OutcomeCount",
    "PublicationIntent",
    "RunRecord",
    "create_ledger_engine",
    "current_revision",
    "display_url",
    "downgrade",
    "head_revision",
    "ledger_url",
    "migrate",
    "new_revision",
    "new_run_id",
    "open_ledger",
]
