"""Build the portal-neutral `DatasetSpec` from a catalog entry and its contract."""

from __future__ import annotations

from datos_cali.catalog.models import Dataset, Organismo
from datos_cali.contracts.schema import Contract
from datos_cali.portals.base import DatasetSpec, PortalColumn

ENTITY_FIELDSET = "Información de la Entidad"
DATA_FIELDSET = "Información de Datos"

_KIND_TO_TYPE = {
    "text": "text",
    "integer": "number",
    "number": "number",
    "boolean": "checkbox",
    "date": "calendar_date",
    "datetime": "calendar_date",
}


def build_spec(dataset: Dataset, contract: Contract, organismo: Organismo | None) -> DatasetSpec:
    columns = []
    for name, column in contract.columns.items():
        doc = dataset.columns[name]
        portal_type = doc.portal_type.value if doc.portal_type else _KIND_TO_TYPE[column.kind]
        columns.append(PortalColumn(name, column.title, portal_type, doc.description))
    if dataset.coordinates:
        columns.append(
            PortalColumn(
                dataset.coordinates.field,
                "Ubicación",
                "point",
                "Punto geográfico (longitud, latitud) calculado de las columnas de coordenadas.",
            )
        )
    meta = dataset.metadata
    organismo_name = organismo.name if organismo else dataset.organismo
    custom_fields = {
        ENTITY_FIELDSET: {
            "Nombre de la Entidad": meta.attribution,
            "Departamento": meta.entity.departamento,
            "Municipio": meta.entity.municipio,
            "Orden": meta.entity.orden,
            "Sector": meta.entity.sector,
            "Área o dependencia": meta.entity.area,
        },
        DATA_FIELDSET: {
            "Cobertura Geográfica": meta.data.cobertura_geografica,
            "Idioma": meta.data.idioma,
            "Frecuencia de Actualización": dataset.frequency.label,
            "Fecha Emisión (aaaa-mm-dd)": meta.data.fecha_emision.isoformat(),
            "URL Documentación": meta.data.url_documentacion or "",
            "URL Normativa": meta.data.url_normativa or "",
        },
    }
    return DatasetSpec(
        slug=dataset.slug,
        name=dataset.title,
        description=dataset.description,
        columns=tuple(columns),
        row_identifier=dataset.row_identifier,
        category=meta.category,
        tags=tuple(meta.tags),
        license=meta.license,
        attribution=meta.attribution,
        organismo=dataset.organismo,
        organismo_name=organismo_name,
        frequency=dataset.frequency.label,
        custom_fields=custom_fields,
    )
