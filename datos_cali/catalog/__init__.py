"""The catalog the Transparency Office edits: `datasets/organismos.yaml` + one YAML per dataset."""

from datos_cali.catalog.loader import Catalog, CatalogProblem, load_catalog
from datos_cali.catalog.models import Dataset, Frequency, Organismo, PortalName

__all__ = [
    "Catalog",
    "CatalogProblem",
    "Dataset",
    "Frequency",
    "Organismo",
    "PortalName",
    "load_catalog",
]
