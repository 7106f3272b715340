"""Helpers shared by the local-portal tests: the sample columns, a fake clock, real clients."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests
from sodapy import Socrata

from datos_cali.localportal import LocalPortal

COLUMNS = [
    {"fieldName": "codigo", "name": "Código", "dataTypeName": "text"},
    {"fieldName": "comuna", "name": "Comuna", "dataTypeName": "text"},
    {"fieldName": "valor", "name": "Valor", "dataTypeName": "number"},
    {"fieldName": "costo", "name": "Costo", "dataTypeName": "money"},
    {"fieldName": "fecha", "name": "Fecha", "dataTypeName": "calendar_date"},
    {"fieldName": "activo", "name": "Activo", "dataTypeName": "checkbox"},
    {"fieldName": "ubicacion", "name": "Ubicación", "dataTypeName": "point"},
    {"fieldName": "enlace", "name": "Enlace", "dataTypeName": "url"},
]


class FakeClock:
    """A clock tests move by hand to simulate days passing."""

    def __init__(self, start: datetime = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def sodapy_client(portal: LocalPortal, timeout: float = 30) -> Socrata:
    credentials = portal.credentials
    return Socrata(
        portal.domain,
        credentials.app_token,
        username=credentials.key_id,
        password=credentials.key_secret,
        session_adapter={"prefix": "http://", "adapter": requests.adapters.HTTPAdapter()},
        timeout=timeout,
    )


def auth_of(portal: LocalPortal) -> tuple[str, str]:
    return (portal.credentials.key_id, portal.credentials.key_secret)


def create_dataset(
    client: Socrata, row_identifier: str | None = "codigo", columns=None, **extra
) -> str:
    kwargs = {"description": "Conjunto de prueba", "columns": columns or COLUMNS, **extra}
    if row_identifier:
        kwargs["row_identifier"] = row_identifier
    return client.create("Prueba de la Alcaldía", **kwargs)["id"]


def public_dataset(client: Socrata, **kwargs) -> str:
    dataset = create_dataset(client, **kwargs)
    client.publish(dataset)
    client.set_permission(dataset, "public")
    return dataset
