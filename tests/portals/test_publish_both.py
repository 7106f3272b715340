"""What both adapters promise alike, each through its real client against the local portal —
and the CKAN adapter also against real CKAN 2.11 and 2.12 (marked `ckan`)."""

from __future__ import annotations

import pytest

from datos_cali.catalog.models import PortalName
from datos_cali.portals.engine import VerificationError
from datos_cali.portals.records import canonical_rows
from tests.portals.conftest import all_demo_slugs, assert_portal_equals_source, prepared

PAGES = {
    PortalName.DATOS_GOV_CO: "{site}/d/{asset}",
    PortalName.DATOS_CALI: "{site}/dataset/{asset}",
}


@pytest.mark.parametrize("slug", all_demo_slugs())
def test_every_demo_dataset_publishes_and_reads_back_identical(any_publisher, slug):
    item = prepared(slug)
    outcome = any_publisher.publish(item)
    assert outcome.outcome == "published"
    assert outcome.rows == len(item.frame) and outcome.created == len(item.frame)
    page = PAGES[any_publisher.target].format(site=any_publisher.site, asset=outcome.asset_id)
    assert outcome.url == page
    if any_publisher.target == PortalName.DATOS_CALI:
        assert outcome.asset_id == item.spec.slug  # the package name is the catalog slug
    assert_portal_equals_source(any_publisher, outcome, item)
    mark = any_publisher.mark()
    again = any_publisher.publish(item)
    assert (again.outcome, again.rows_sent) == ("unchanged", 0)
    # Unchanged means not one write: the server's own log of what it was asked.
    assert any_publisher.writes_since(mark) == []


def test_a_portal_that_disagrees_after_the_write_is_not_recorded_as_published(any_publisher):
    item = prepared("contratacion-parque-pacifico")
    first = any_publisher.publish(item)
    before = any_publisher.state.last(item.spec.slug)
    # Someone edits a row on the portal behind the pipeline's back; the source did not change.
    tampered = canonical_rows(item.frame.iloc[[3]], item.spec)[0] | {"estado": "Suspendido"}
    any_publisher.portal.upsert(first.asset_id, item.spec, [tampered])
    with pytest.raises(VerificationError, match="no coinciden con la fuente"):
        any_publisher.publish(item)
    assert any_publisher.state.last(item.spec.slug).published_at == before.published_at


def test_rows_missing_on_the_portal_are_reconciled(any_publisher):
    item = prepared("areas-proteccion-forestal")
    first = any_publisher.publish(item)
    victim = str(item.frame.loc[4, "codigo_area"])
    gone = any_publisher.portal.delete(first.asset_id, item.spec, [victim])
    assert gone.deleted == 1
    again = any_publisher.publish(item)
    assert again.reconciled and again.created == 1
    assert_portal_equals_source(any_publisher, again, item)
