"""The catalog the Transparency Office edits: `datasets/organismos.yaml` + one YAML per dataset."""

from datos_cali.catalog.loader import Catalog, CatalogProblem, load_catalog
from datos_cali.catalog.models import Dataset, Frequency, Organismo, Portal

__all__ = [
    "Catalog",
    "CatalogProblem",
    "Dataset",
    "Frequency",
    "Organismo",
    "Portal",
    "load_catalog",
]
