"""Asking a portal whether this run's credentials may write, before anything is written.

Against the local portal (both APIs) and each real CKAN: the publisher's own credentials are
allowed to create and then to update; a refused key or token is a permanent 403 in Spanish,
free of the secret — and asking writes nothing."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from datos_cali.catalog.models import PortalName
from datos_cali.portals.base import Portal, PortalError
from datos_cali.portals.ckan import CkanPortal
from datos_cali.portals.credentials import CkanCredentials, SocrataCredentials
from datos_cali.portals.socrata import SocrataPortal
from tests.portals.conftest import prepared

WRONG = "no-es-el-secreto"


def refused_adapter(publisher) -> Portal:
    """An adapter for the publisher's own portal with a wrong secret."""
    if publisher.target == PortalName.DATOS_CALI:
        return CkanPortal(CkanCredentials(url=publisher.site, api_token=SecretStr(WRONG)))
    right = SocrataCredentials.for_local(publisher.local)
    return SocrataPortal(right.model_copy(update={"key_secret": SecretStr(WRONG)}))


def test_the_publishers_credentials_may_create_and_then_update(any_publisher):
    item = prepared("areas-proteccion-forestal")
    mark = any_publisher.mark()
    any_publisher.portal.check_write_access(None, item.spec)
    assert any_publisher.writes_since(mark) == []  # asking writes nothing
    outcome = any_publisher.publish(item)
    mark = any_publisher.mark()
    any_publisher.portal.check_write_access(outcome.asset_id, item.spec)
    assert any_publisher.writes_since(mark) == []


def test_a_refused_secret_is_said_before_any_write(any_publisher):
    item = prepared("areas-proteccion-forestal")
    outcome = any_publisher.publish(item)
    mark = any_publisher.mark()
    portal = refused_adapter(any_publisher)
    try:
        for asset_id in (None, outcome.asset_id):
            with pytest.raises(PortalError) as caught:
                portal.check_write_access(asset_id, item.spec)
            assert caught.value.status == 403 and not caught.value.transient
            assert WRONG not in str(caught.value)
            assert "token de API" in str(caught.value) or "credenciales" in str(caught.value)
    finally:
        portal.close()
    assert any_publisher.writes_since(mark) == []
