"""Portal credentials from the environment (flows may pass values from Prefect Secret blocks).

Secrets are pydantic `SecretStr`: their repr is masked, so they never reach a log or a report.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, SecretStr

DEFAULT_SOCRATA_DOMAIN = "www.datos.gov.co"


class SocrataCredentials(BaseModel):
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
        """Key id/secret (or user/password) from `SOCRATA_*` variables; None if not configured."""
        key_id = os.environ.get("SOCRATA_KEY_ID") or os.environ.get("SOCRATA_USERNAME")
        secret = os.environ.get("SOCRATA_KEY_SECRET") or os.environ.get("SOCRATA_PASSWORD")
        if not (key_id and secret):
            return None
        token = os.environ.get("SOCRATA_APP_TOKEN")
        return cls(
            domain=os.environ.get("SOCRATA_DOMAIN", DEFAULT_SOCRATA_DOMAIN),
            scheme=os.environ.get("SOCRATA_SCHEME", "https"),
            app_token=SecretStr(token) if token else None,
            key_id=SecretStr(key_id),
            key_secret=SecretStr(secret),
        )


class CkanCredentials(BaseModel):
    url: str = "https://datos.cali.gov.co"
    api_token: SecretStr | None = None

    @classmethod
    def from_env(cls) -> CkanCredentials | None:
        token = os.environ.get("CKAN_API_TOKEN")
        if not token:
            return None
        return cls(
            url=os.environ.get("CKAN_URL", "https://datos.cali.gov.co"), api_token=SecretStr(token)
        )


def secret_values(*credentials) -> list[str]:
    """Every secret string, so callers can scrub them from any text they are about to store."""
    found = []
    for creds in credentials:
        if creds is None:
            continue
        for value in creds.__dict__.values():
            if isinstance(value, SecretStr) and value.get_secret_value():
                found.append(value.get_secret_value())
    return found
