"""Portal credentials: from the environment, from a secret store, or for the local portal.

Each adapter registered in `datos_cali.portals.registry` names its credentials model; the
session asks the model, never an if-chain. Secrets are pydantic `SecretStr`: their repr is
masked, so they never reach a log or a report. Where secrets are stored is the caller's business
(the flows pass Prefect Secret blocks as `secret(name)`): the library never imports Prefect.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import ClassVar, Self

from pydantic import BaseModel, SecretStr

DEFAULT_SOCRATA_DOMAIN = "www.datos.gov.co"
DEFAULT_CKAN_URL = "https://datos.cali.gov.co"

SecretLookup = Callable[[str], str | None]  # a secret's name → its value, or None if not set
SECRET_FAILED = (
    "No se pudo leer el secreto «{name}» ({kind}): {detail}. Revise el servidor de Prefect y "
    "sus bloques Secret; la ejecución se detuvo sin escribir en ningún portal."
)


class SecretLookupError(Exception):
    """A secret store answered with an error other than "not configured" (server down, access
    refused, a broken block): never taken as "no credentials", which would be a silent fallback."""

    def __init__(self, name: str, error: BaseException):
        detail = str(error).splitlines()[0][:200] if str(error) else "sin detalle"
        super().__init__(SECRET_FAILED.format(name=name, kind=type(error).__name__, detail=detail))


class PortalCredentials(BaseModel):
    """What one portal adapter needs to log in; subclasses say where each value comes from."""

    # What an operator sets for this portal, in the message of a production run without it.
    NEEDS: ClassVar[str] = ""

    @classmethod
    def from_env(cls) -> Self | None:
        """The credentials set in the environment; None when not configured."""
        raise NotImplementedError

    @classmethod
    def from_secrets(cls, secret: SecretLookup) -> Self | None:
        """The credentials kept in a secret store; None when not configured."""
        return None

    @classmethod
    def for_local(cls, local) -> Self:
        """What reaches a running `LocalPortal` (the embedded stand-in on loopback)."""
        raise NotImplementedError


def _secret(value: str | None) -> SecretStr | None:
    return SecretStr(value) if value else None


class SocrataCredentials(PortalCredentials):
    NEEDS: ClassVar[str] = (
        "SOCRATA_KEY_ID y SOCRATA_KEY_SECRET (o los bloques Secret socrata-key-id y "
        "socrata-key-secret)"
    )
    domain: str = DEFAULT_SOCRATA_DOMAIN
    scheme: str = "https"
    app_token: SecretStr | None = None
    key_id: SecretStr | None = None
    key_secret: SecretStr | None = None

    @property
    def complete(self) -> bool:
        return self.key_id is not None and self.key_secret is not None

    @classmethod
    def from_env(cls) -> SocrataCredentials | None:
        """Key id/secret (or user/password) from `SOCRATA_*` variables."""
        key_id = os.environ.get("SOCRATA_KEY_ID") or os.environ.get("SOCRATA_USERNAME")
        secret = os.environ.get("SOCRATA_KEY_SECRET") or os.environ.get("SOCRATA_PASSWORD")
        if not (key_id and secret):
            return None
        return cls(
            domain=os.environ.get("SOCRATA_DOMAIN", DEFAULT_SOCRATA_DOMAIN),
            scheme=os.environ.get("SOCRATA_SCHEME", "https"),
            app_token=_secret(os.environ.get("SOCRATA_APP_TOKEN")),
            key_id=SecretStr(key_id),
            key_secret=SecretStr(secret),
        )

    @classmethod
    def from_secrets(cls, secret: SecretLookup) -> SocrataCredentials | None:
        """Secrets `socrata-key-id`, `socrata-key-secret` and optionally `socrata-app-token`."""
        key_id, key_secret = secret("socrata-key-id"), secret("socrata-key-secret")
        if not (key_id and key_secret):
            return None
        return cls(
            domain=os.environ.get("SOCRATA_DOMAIN", DEFAULT_SOCRATA_DOMAIN),
            app_token=_secret(secret("socrata-app-token")),
            key_id=SecretStr(key_id),
            key_secret=SecretStr(key_secret),
        )

    @classmethod
    def for_local(cls, local) -> SocrataCredentials:
        """The local portal speaks plain HTTP on loopback."""
        creds = local.credentials
        return cls(
            domain=local.domain,
            scheme="http",
            app_token=SecretStr(creds.app_token),
            key_id=SecretStr(creds.key_id),
            key_secret=SecretStr(creds.key_secret),
        )


class CkanCredentials(PortalCredentials):
    NEEDS: ClassVar[str] = "CKAN_API_TOKEN (o el bloque Secret ckan-api-token)"
    url: str = DEFAULT_CKAN_URL
    api_token: SecretStr | None = None

    @classmethod
    def from_env(cls) -> CkanCredentials | None:
        token = os.environ.get("CKAN_API_TOKEN")
        if not token:
            return None
        return cls(url=os.environ.get("CKAN_URL", DEFAULT_CKAN_URL), api_token=SecretStr(token))

    @classmethod
    def from_secrets(cls, secret: SecretLookup) -> CkanCredentials | None:
        """Secret `ckan-api-token`."""
        token = secret("ckan-api-token")
        if not token:
            return None
        return cls(url=os.environ.get("CKAN_URL", DEFAULT_CKAN_URL), api_token=SecretStr(token))

    @classmethod
    def for_local(cls, local) -> CkanCredentials:
        return cls(url=local.url, api_token=SecretStr(local.credentials.ckan_token))
