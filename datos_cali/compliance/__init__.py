"""Each organismo's compliance with its opening plan, its datasets' currency, new and updated.

    compliance_from_ledger(ledger, catalog, year, now)   the report of one year
    compliance_figures(catalog, history, now)            the office's open dataset

Computed from the catalog (plans, frequencies) and the ledger's successful runs (`history`).
"""

from datos_cali.compliance.figures import (
    COMPLIANCE_DATASET,
    compliance_figures,
    refresh_compliance_figures,
)
from datos_cali.compliance.history import Publication, load_history
from datos_cali.compliance.report import (
    STATUS_ES,
    Commitment,
    ComplianceReport,
    OrganismoCompliance,
    Stale,
    Status,
    compliance_from_ledger,
    compliance_report,
    default_year,
    plan_years,
)

__all__ = [
    "COMPLIANCE_DATASET",
    "STATUS_ES",
    "Commitment",
    "ComplianceReport",
    "OrganismoCompliance",
    "Publication",
    "Stale",
    "Status",
    "compliance_figures",
    "compliance_from_ledger",
    "compliance_report",
    "default_year",
    "load_history",
    "plan_years",
    "refresh_compliance_figures",
]
