"""Secret blocks: "no such block" means not configured; any other failure stops the run."""

from __future__ import annotations

import socket

import pytest
from prefect.blocks.system import Secret
from prefect.settings import PREFECT_API_URL, temporary_settings

from datos_cali.portals.credentials import SecretLookupError
from datos_cali_flows import common

pytestmark = pytest.mark.prefect


def test_a_missing_block_is_not_configured_and_a_saved_one_is_read(flow_process, monkeypatch):
    monkeypatch.delenv("DATOS_CALI_NO_SECRET_BLOCKS", raising=False)
    assert common._secret("no-existe-este-secreto") is None
    Secret(value="clave-de-prueba").save("prueba-secreto-leido", overwrite=True)
    assert common._secret("prueba-secreto-leido") == "clave-de-prueba"


def test_an_unreachable_secret_store_is_an_error_not_missing_credentials(monkeypatch):
    monkeypatch.delenv("DATOS_CALI_NO_SECRET_BLOCKS", raising=False)
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    dead_api = {PREFECT_API_URL: f"http://127.0.0.1:{dead}/api"}
    with temporary_settings(dead_api), pytest.raises(SecretLookupError) as raised:
        common._secret("socrata-key-id")
    message = str(raised.value)
    assert message.startswith("No se pudo leer el secreto «socrata-key-id»")
    assert "sin escribir en ningún portal" in message
