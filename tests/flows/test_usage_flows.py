"""The usage and compliance flows under the session's Prefect harness: they collect or compute,
then publish the office's own figures through the ordinary publishing flow."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from datos_cali.compliance import COMPLIANCE_DATASET
from datos_cali.ledger import open_ledger
from datos_cali.usage import USAGE_DATASET, CollectionFailed, UsageStore
from tests.usage.conftest import BOGOTA
from tests.usage.conftest import office as office  # the small-catalog fixture, re-exported

pytestmark = pytest.mark.prefect


def at(day: str, hour: int = 21) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=BOGOTA).astimezone(dt.UTC)


def published_asset(slug: str) -> str:
    with open_ledger() as ledger:
        run = ledger.last_published(slug, "datos.gov.co")
    assert run is not None, f"{slug} was not published"
    return run.asset_id


def portal_rows(asset_id: str) -> list[dict]:
    from datos_cali_flows import common

    url = common.portal_session().local.url
    answer = requests.get(f"{url}/resource/{asset_id}.json", params={"$order": ":id"}, timeout=10)
    answer.raise_for_status()
    return answer.json()


def latest_artifact(key: str) -> dict:
    from prefect.client.orchestration import get_client

    body = {"artifacts": {"key": {"any_": [key]}}, "limit": 1, "offset": 0, "sort": "CREATED_DESC"}
    with get_client(sync_client=True) as client:
        [artifact] = client.request("POST", "/artifacts/filter", json=body).json()
    return artifact


@pytest.fixture(autouse=True)
def _no_data_docs(monkeypatch):
    monkeypatch.setenv("DATOS_CALI_GX", "0")  # Great Expectations is tested elsewhere


def test_collect_usage_stores_the_day_and_publishes_the_figures(office):
    from datos_cali_flows import common
    from datos_cali_flows.publish import publish_dataset
    from datos_cali_flows.usage import collect_usage

    office.add_to("planeacion", "imae-uso")
    office.add_office_dataset(USAGE_DATASET)
    assert publish_dataset("imae-uso").outcome == "published"
    asset = published_asset("imae-uso")
    url = common.portal_session().local.url
    for _ in range(3):
        requests.get(f"{url}/d/{asset}", timeout=10)
    requests.get(f"{url}/api/views/{asset}/rows.csv", timeout=10)

    first = collect_usage(now=at("2021-12-30"))

    assert [(s.dataset, s.views, s.downloads, s.kept) for s in first] == [("imae-uso", 3, 1, True)]
    figures = published_asset(USAGE_DATASET)
    [row] = portal_rows(figures)
    assert (row["conjunto"], row["visitas"], row["descargas"]) == ("imae-uso", "3", "1")
    assert row["id_registro"] == f"2021-12/datos.gov.co/{asset}"
    assert "**Lecturas:** 1 (1 guardadas" in latest_artifact("lectura-uso")["data"]

    requests.get(f"{url}/d/{asset}", timeout=10)
    second = collect_usage(now=at("2022-01-03"))

    assert {s.dataset for s in second} == {"imae-uso", USAGE_DATASET}  # its own usage, too
    assert published_asset(USAGE_DATASET) == figures
    rows = {r["id_registro"]: r["visitas"] for r in portal_rows(figures)}
    assert rows[f"2021-12/datos.gov.co/{asset}"] == "3"
    assert rows[f"2022-01/datos.gov.co/{asset}"] == "1"
    with open_ledger() as ledger:
        outcomes = [r.outcome for r in ledger.runs(dataset=USAGE_DATASET)]
        assert UsageStore(ledger).count() == 3
    assert outcomes == ["published", "published"]


def test_an_unreadable_asset_fails_the_flow_after_storing_the_others(office):
    from datos_cali_flows.publish import publish_dataset
    from datos_cali_flows.usage import collect_usage

    office.add_to("planeacion", "imae-leible")
    office.add_to(
        "salud", "imae-perdido", targets=[{"portal": "datos.gov.co", "asset_id": "zzzz-9999"}]
    )
    assert publish_dataset("imae-leible").outcome == "published"

    with pytest.raises(CollectionFailed, match="imae-perdido"):
        collect_usage(now=at("2021-06-01"), publish=False)

    with open_ledger() as ledger:
        assert [s.dataset for s in UsageStore(ledger).snapshots()] == ["imae-leible"]
    assert "## No se pudo leer" in latest_artifact("lectura-uso")["data"]


def test_report_compliance_publishes_the_figures_per_organismo_and_year(office):
    from datos_cali_flows.compliance import report_compliance
    from datos_cali_flows.publish import publish_dataset

    office.add_to("planeacion", "indice-mensual-actividad-economica")  # in the 2021 plan
    office.add_office_dataset(COMPLIANCE_DATASET)
    assert publish_dataset("indice-mensual-actividad-economica").outcome == "published"

    report = report_compliance()

    assert report.year == 2021 and report.overall.committed == 14
    assert report.overall.published == 0  # published today: after the close of 2021
    this_year = dt.datetime.now(BOGOTA).year
    rows = {r["id_registro"]: r for r in portal_rows(published_asset(COMPLIANCE_DATASET))}
    assert rows["2021/planeacion"]["comprometidos"] == "3"
    assert rows["2021/planeacion"]["publicados"] == "0"
    assert rows[f"{this_year}/planeacion"]["nuevos"] == "1"
    assert "**Publicados:** 0 de 14" in latest_artifact("cumplimiento")["data"]
