"""Contract: usage — pages count views, exports count downloads, API reads count nothing — and
the Discovery API that reports them."""

from __future__ import annotations

import csv
import io

import requests

from tests.localportal.helpers import create_dataset, public_dataset


def _counts(client, dataset):
    view = client.get_metadata(dataset)
    return view["viewCount"], view["downloadCount"]


def test_page_counts_a_view_exports_count_downloads_api_reads_count_nothing(client, portal):
    dataset = public_dataset(client)
    client.upsert(dataset, [{"codigo": "A"}])

    client.get(dataset)
    client.get(dataset, select="count(*)")
    client.get_metadata(dataset)
    requests.get(f"{portal.url}/resource/{dataset}.csv")
    assert _counts(client, dataset) == (0, 0)

    assert requests.get(f"{portal.url}/d/{dataset}").status_code == 200
    assert _counts(client, dataset) == (1, 0)

    csv_export = requests.get(f"{portal.url}/api/views/{dataset}/rows.csv?accessType=DOWNLOAD")
    json_export = requests.get(f"{portal.url}/api/views/{dataset}/rows.json")
    assert csv_export.status_code == 200 and json_export.status_code == 200
    assert _counts(client, dataset) == (1, 2)


def test_exports_carry_every_row(client, portal):
    dataset = public_dataset(client)
    client.upsert(dataset, [{"codigo": f"{i:04d}", "valor": i} for i in range(2500)])
    lines = requests.get(f"{portal.url}/api/views/{dataset}/rows.csv").text.splitlines()
    assert lines[0].startswith("Código,Comuna,Valor") and len(lines) == 2501
    exported = requests.get(f"{portal.url}/api/views/{dataset}/rows.json").json()
    assert len(exported["data"]) == 2500
    names = [c["fieldName"] for c in exported["meta"]["view"]["columns"]]
    assert names[:2] == [":sid", ":id"] and "codigo" in names
    assert exported["data"][7][names.index("valor")] == "7"


def test_discovery_api_reports_views_and_downloads_in_windows(client, portal, clock):
    dataset = public_dataset(client)
    requests.get(f"{portal.url}/d/{dataset}")  # 40 days ago
    clock.advance(days=20)
    requests.get(f"{portal.url}/d/{dataset}")  # 20 days ago
    clock.advance(days=17)
    requests.get(f"{portal.url}/d/{dataset}")  # 3 days ago
    requests.get(f"{portal.url}/api/views/{dataset}/rows.csv")
    clock.advance(days=3)

    [asset] = client.datasets(ids=[dataset])

    resource = asset["resource"]
    assert resource["id"] == dataset and resource["type"] == "dataset"
    assert resource["page_views"] == {
        "page_views_last_week": 1,
        "page_views_last_month": 2,
        "page_views_total": 3,
    }
    assert resource["download_count"] == 1
    assert asset["metadata"]["domain"] == portal.domain
    assert asset["permalink"] == f"{portal.url}/d/{dataset}"
    assert resource["updatedAt"].endswith("Z")


def test_discovery_api_filters_by_ids_and_pages(client, portal):
    datasets = [public_dataset(client) for _ in range(5)]
    found = client.datasets(ids=datasets[1:4])
    assert sorted(a["resource"]["id"] for a in found) == sorted(datasets[1:4])

    pages = [
        requests.get(
            f"{portal.url}/api/catalog/v1",
            params={"domains": portal.domain, "ids": datasets, "limit": 2, "offset": offset},
        ).json()
        for offset in (0, 2, 4)
    ]
    assert [page["resultSetSize"] for page in pages] == [5, 5, 5]
    seen = [a["resource"]["id"] for page in pages for a in page["results"]]
    assert seen == datasets
    # sodapy pages by itself when asked for everything
    assert len(client.datasets()) == 5


def test_discovery_api_hides_private_and_unpublished_views_from_anonymous_callers(client, portal):
    public = public_dataset(client)
    create_dataset(client)  # private, unpublished
    anonymous = requests.get(f"{portal.url}/api/catalog/v1").json()
    assert [a["resource"]["id"] for a in anonymous["results"]] == [public]
    assert len(client.datasets()) == 2  # the owner sees both
    other_domain = requests.get(f"{portal.url}/api/catalog/v1", params={"domains": "x.gov.co"})
    assert other_domain.json()["resultSetSize"] == 0


def test_discovery_api_search_and_order(client, portal):
    first = public_dataset(client)
    second = create_dataset(client)
    client.update_metadata(second, {"name": "Accidentes de tránsito"})
    client.publish(second)
    client.set_permission(second, "public")
    found = requests.get(f"{portal.url}/api/catalog/v1", params={"q": "TRÁNSITO"}).json()
    assert [a["resource"]["id"] for a in found["results"]] == [second]
    ordered = requests.get(f"{portal.url}/api/catalog/v1", params={"order": "name"}).json()
    assert [a["resource"]["id"] for a in ordered["results"]] == [second, first]
    bad = requests.get(f"{portal.url}/api/catalog/v1", params={"order": "stars"})
    assert bad.status_code == 400


def test_rows_csv_writes_dates_as_socrata_exports_them(client, portal):
    """`rows.csv` dates are `MM/DD/YYYY hh:mm:ss AM` on Socrata (what RSocrata parses from its
    exports); SODA's own `.csv` keeps the ISO floating timestamp."""
    dataset = public_dataset(client)
    client.upsert(
        dataset,
        [
            {"codigo": "A", "fecha": "2012-09-14T22:38:01"},
            {"codigo": "B", "fecha": "2021-03-13"},
            {"codigo": "C", "fecha": "2021-03-13T12:05:00"},
        ],
    )
    text = requests.get(f"{portal.url}/api/views/{dataset}/rows.csv", timeout=10).text
    table = list(csv.reader(io.StringIO(text, newline="")))
    fecha = table[0].index("Fecha")
    assert [row[fecha] for row in table[1:]] == [
        "09/14/2012 10:38:01 PM",
        "03/13/2021 12:00:00 AM",
        "03/13/2021 12:05:00 PM",
    ]
    soda = client.get(dataset, content_type="csv", select="fecha", order=":id")
    assert soda[1:] == [
        ["2012-09-14T22:38:01.000"],
        ["2021-03-13T00:00:00.000"],
        ["2021-03-13T12:05:00.000"],
    ]
