"""Contract: SODA aggregates — $group, count/sum/avg/min/max, $query — through sodapy."""

from __future__ import annotations

import pytest
import requests

from datos_cali.localportal import soql
from tests.localportal.helpers import public_dataset

ROWS = [
    {"codigo": "A", "comuna": "Comuna 1", "valor": 5, "costo": "1000.10", "fecha": "2021-01-10"},
    {"codigo": "B", "comuna": "Comuna 2", "valor": 15, "costo": "0.20", "fecha": "2021-02-10"},
    {"codigo": "C", "comuna": "Comuna 1", "valor": 25.5, "fecha": "2021-03-10"},
    {"codigo": "D", "comuna": "Comuna 2", "valor": 100, "costo": "0.10"},
    {"codigo": "E", "valor": -3, "activo": True},
]


@pytest.fixture
def dataset(client):
    dataset = public_dataset(client)
    client.upsert(dataset, ROWS)
    return dataset


def test_group_with_count_and_sum_through_sodapy(client, dataset):
    found = client.get(dataset, select="comuna, count(*), sum(valor)", group="comuna")
    assert found == [
        {"count": "1", "sum_valor": "-3"},  # the null group sorts first; nulls are left out
        {"comuna": "Comuna 1", "count": "2", "sum_valor": "30.5"},
        {"comuna": "Comuna 2", "count": "2", "sum_valor": "115"},
    ]


def test_aggregates_without_group_give_one_row(client, dataset):
    [row] = client.get(
        dataset,
        select="count(*) AS n, count(costo), sum(costo), avg(valor), min(valor), max(valor), "
        "min(fecha), max(comuna)",
    )
    assert row == {
        "n": "5",
        "count_costo": "3",
        "sum_costo": "1000.4",  # exact decimal sum, not 1000.4000000000001
        "avg_valor": "28.5",
        "min_valor": "-3",
        "max_valor": "100",
        "min_fecha": "2021-01-10T00:00:00.000",
        "max_comuna": "Comuna 2",
    }
    assert client.get(dataset, select="count(*)", where="valor > 10") == [{"count": "3"}]


def test_order_by_an_aggregate_numerically_with_limit_and_where(client, dataset):
    client.upsert(
        dataset, [{"codigo": f"X{i}", "comuna": "Comuna 10", "valor": 1} for i in range(3)]
    )
    found = client.get(
        dataset,
        select="comuna, count(*) AS filas",
        where="comuna IS NOT NULL",
        group="comuna",
        order="filas DESC, comuna",
        limit=2,
    )
    assert found == [{"comuna": "Comuna 10", "filas": "3"}, {"comuna": "Comuna 1", "filas": "2"}]
    by_sum = client.get(
        dataset, select="comuna, sum(valor)", group="comuna", order="sum(valor) DESC"
    )
    assert [row.get("sum_valor") for row in by_sum] == ["115", "30.5", "3", "-3"]  # 115 > 30.5


def test_query_parameter_combines_the_clauses(client, dataset):
    found = client.get(
        dataset,
        query="SELECT comuna, count(*) AS n WHERE valor > 0 GROUP BY comuna ORDER BY n DESC, "
        "comuna LIMIT 1",
    )
    assert found == [{"comuna": "Comuna 1", "n": "2"}]
    rows = client.get(
        dataset, query="select codigo, valor where valor between 5 and 25.5 order by valor desc"
    )
    assert rows == [
        {"codigo": "C", "valor": "25.5"},
        {"codigo": "B", "valor": "15"},
        {"codigo": "A", "valor": "5"},
    ]
    assert client.get(dataset, query="SELECT codigo SEARCH 'comuna 2' ORDER BY codigo") == [
        {"codigo": "B"},
        {"codigo": "D"},
    ]


def test_get_all_pages_through_every_row(client):
    dataset = public_dataset(client)
    client.upsert(dataset, [{"codigo": f"{i:05d}", "valor": i} for i in range(2500)])
    everything = list(client.get_all(dataset, order=":id"))
    assert [row["codigo"] for row in everything] == [f"{i:05d}" for i in range(2500)]
    grouped = list(client.get_all(dataset, select="valor, count(*)", group="valor", limit=1000))
    assert len(grouped) == 2500 and {row["count"] for row in grouped} == {"1"}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"$select": "comuna, count(*)"}, soql.MALFORMED),  # comuna not grouped
        ({"$select": "codigo", "$group": "comuna"}, soql.MALFORMED),
        ({"$group": "comuna"}, soql.MALFORMED),  # nothing selected
        ({"$select": "sum(comuna)"}, soql.TYPE_MISMATCH),
        ({"$select": "avg(ubicacion)"}, soql.TYPE_MISMATCH),
        ({"$select": "comuna, count(*)", "$group": "comuna", "$order": "valor"}, soql.MALFORMED),
        ({"$select": "sum(nope)"}, soql.NO_SUCH_COLUMN),
        ({"$order": "count(*)"}, soql.MALFORMED),  # aggregates order grouped reads only
        ({"$query": "SELECT codigo", "$where": "valor > 1"}, soql.MALFORMED),
        ({"$query": "SELECT codigo |> SELECT count(*)"}, soql.MALFORMED),
        ({"$query": "codigo WHERE valor > 1"}, soql.MALFORMED),
        ({"$query": "SELECT codigo ORDER valor"}, soql.MALFORMED),
        ({"$select": "count(*)", "$having": "count > 1"}, soql.MALFORMED),
        ({"$select": ":id, count(*)", "$group": ":id"}, soql.MALFORMED),
    ],
)
def test_aggregate_errors_are_400_with_socrata_codes(portal, dataset, params, code):
    answer = requests.get(f"{portal.url}/resource/{dataset}.json", params=params, timeout=10)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == code and answer.json()["error"] is True


def test_grouped_csv_and_headers(portal, dataset):
    answer = requests.get(
        f"{portal.url}/resource/{dataset}.csv",
        params={
            "$select": "comuna, max(fecha) AS ultima",
            "$group": "comuna",
            "$where": "comuna IS NOT NULL",
        },
        timeout=10,
    )
    assert answer.text.splitlines() == [
        '"comuna","ultima"',
        '"Comuna 1","2021-03-10T00:00:00.000"',
        '"Comuna 2","2021-02-10T00:00:00.000"',
    ]
    assert answer.headers["X-SODA2-Fields"] == '["comuna","ultima"]'
    assert answer.headers["X-SODA2-Types"] == '["text","floating_timestamp"]'
