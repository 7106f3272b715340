"""Portal adapters by the name the catalog gives a target (`targets[].portal`).

Adding a portal is one adapter module (a `datos_cali.portals.base.Portal`), its credentials
model (a `PortalCredentials`) and one line in `BUILT_IN` — or, from another package, an entry
point in the group `datos_cali.portals` naming an `AdapterEntry`. See docs/extending.md.

The adapter's module is imported only when a run uses that portal: a CKAN-only run never
imports sodapy.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from datos_cali.catalog.models import PortalName
from datos_cali.portals.base import Portal
from datos_cali.portals.credentials import (
    CkanCredentials,
    PortalCredentials,
    SecretLookup,
    SocrataCredentials,
)
from datos_cali.registry import Registry, UnknownName

LOCAL = "local"  # the key suffix of adapters talking to the embedded local portal


@dataclass(frozen=True)
class AdapterEntry:
    """How to reach one kind of portal."""

    adapter: str  # "module:Class" of the `Portal` subclass, imported on first use
    credentials: type[PortalCredentials]
    family: str  # short name for state keys: "socrata" → "socrata@<host>", "socrata@local"

    def load(self) -> type[Portal]:
        module_name, _, attribute = self.adapter.partition(":")
        return getattr(importlib.import_module(module_name), attribute)


ADAPTERS: Registry[AdapterEntry] = Registry(
    "El portal",
    group="datos_cali.portals",
    check=lambda found: isinstance(found, AdapterEntry),
    built_in={
        PortalName.DATOS_GOV_CO: AdapterEntry(
            "datos_cali.portals.socrata:SocrataPortal", SocrataCredentials, "socrata"
        ),
        PortalName.DATOS_CALI: AdapterEntry(
            "datos_cali.portals.ckan:CkanPortal", CkanCredentials, "ckan"
        ),
    },
)


def adapter(name: str) -> AdapterEntry:
    """The entry for a catalog target name; `UnknownName` (Spanish) when none is registered."""
    return ADAPTERS.get(name)


def configured_credentials(
    names: list[str], secret: SecretLookup | None = None
) -> dict[str, PortalCredentials]:
    """The credentials configured for each portal, from the environment first, then `secret`;
    portals without any are left out (in local mode the session then uses the local portal).
    A secret store that fails (not merely "not set") raises `SecretLookupError`."""
    found = {}
    for name in names:
        model = adapter(name).credentials
        creds = model.from_env() or (model.from_secrets(secret) if secret else None)
        if creds is not None:
            found[name] = creds
    return found


def missing_credentials(names: list[str], found: dict[str, PortalCredentials]) -> list[str]:
    """What a production run lacks, one Spanish phrase per portal without credentials."""
    return [
        f"faltan las credenciales de {name}: {adapter(name).credentials.NEEDS}"
        for name in names
        if name not in found
    ]


__all__ = [
    "ADAPTERS",
    "AdapterEntry",
    "UnknownName",
    "adapter",
    "configured_credentials",
    "missing_credentials",
]
