"""Contract: SODA 2 reads — the SoQL subset, paging, count(*), CSV, and SoQL errors."""

from __future__ import annotations

import json

import pytest
import requests

from datos_cali.localportal import soql
from datos_cali.localportal import values as v
from tests.localportal.helpers import COLUMNS, public_dataset

ROWS = [
    {"codigo": "A", "comuna": "Comuna 1", "valor": 5, "fecha": "2021-01-10", "activo": True},
    {"codigo": "B", "comuna": "Comuna 2", "valor": 15, "fecha": "2021-02-10", "activo": False},
    {"codigo": "C", "comuna": "Comuna 1", "valor": 25.5, "fecha": "2021-03-10"},
    {"codigo": "D", "comuna": "Ladera Ñandú", "valor": 100},
    {"codigo": "E", "valor": -3},
]


@pytest.fixture
def dataset(client):
    dataset = public_dataset(client)
    client.upsert(dataset, ROWS)
    return dataset


def _codes(rows):
    return [row["codigo"] for row in rows]


def _get(portal, dataset, fmt="json", **params):
    return requests.get(f"{portal.url}/resource/{dataset}.{fmt}", params=params)


def test_select_where_and_order(client, dataset):
    assert client.get(dataset, select="codigo, valor", where="valor > 10", order="valor DESC") == [
        {"codigo": "D", "valor": "100"},
        {"codigo": "C", "valor": "25.5"},
        {"codigo": "B", "valor": "15"},
    ]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("comuna = 'Comuna 1'", "AC"),
        ("comuna != 'Comuna 1'", "BD"),
        ("valor >= 15 AND valor < 100", "BC"),
        ("valor < 0 OR codigo = 'A'", "AE"),
        ("(valor < 0 OR codigo = 'A') AND activo = true", "A"),
        ("codigo IN ('B', 'D', 'Z')", "BD"),
        ("codigo NOT IN ('B', 'D')", "ACE"),
        ("comuna IS NULL", "E"),
        ("fecha IS NOT NULL", "ABC"),
        ("fecha >= '2021-02-01'", "BC"),
        ("fecha < '2021-02-10T00:00:00.000'", "A"),
        ("valor BETWEEN 5 AND 25.5", "ABC"),
        ("valor > '20'", "CD"),
        ("NOT (valor > 0)", "E"),
        ("activo = false", "B"),
        ("comuna = 'It''s'", ""),
        ("codigo = 'x'' OR ''1''=''1'", ""),  # injection is just an odd literal
    ],
)
def test_where(client, dataset, where, expected):
    assert "".join(_codes(client.get(dataset, where=where))) == expected


def test_simple_filters_and_full_text_search(client, dataset):
    assert _codes(client.get(dataset, comuna="Comuna 1")) == ["A", "C"]
    assert _codes(client.get(dataset, valor="15")) == ["B"]
    assert _codes(client.get(dataset, q="ñandu")) == []  # substring, accents kept
    assert _codes(client.get(dataset, q="ÑANDÚ")) == ["D"]  # case-insensitive
    assert _codes(client.get(dataset, q="comuna")) == ["A", "B", "C"]


def test_paging_by_id_is_stable(client, dataset):
    pages = [client.get(dataset, order=":id", limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [_codes(page) for page in pages] == [["A", "B"], ["C", "D"], ["E"]]
    assert _codes(client.get_all(dataset, order=":id", limit=2)) == list("ABCDE")


def test_default_limit_is_1000_and_max_is_50000(client, portal):
    dataset = public_dataset(client)
    client.upsert(dataset, [{"codigo": f"{i:05d}"} for i in range(1200)])
    assert len(client.get(dataset)) == 1000
    assert len(client.get(dataset, limit=50000)) == 1200
    answer = _get(portal, dataset, **{"$limit": "50001"})
    assert answer.status_code == 400 and answer.json()["code"] == soql.MALFORMED


def test_count_star(client, dataset):
    assert client.get(dataset, select="count(*)") == [{"count": "5"}]
    assert client.get(dataset, select="count(*)", where="valor > 10") == [{"count": "3"}]
    assert client.get(dataset, select="count(*) AS total") == [{"total": "5"}]


def test_system_fields_only_on_request(client, dataset):
    plain = client.get(dataset, limit=1)[0]
    assert not any(key.startswith(":") for key in plain)
    full = client.get(dataset, limit=1, exclude_system_fields=False)[0]
    assert full[":id"].startswith("row-")
    assert full[":created_at"].endswith("Z") and full[":updated_at"].endswith("Z")
    selected = client.get(dataset, select=":id, codigo", where=f":id = '{full[':id']}'")
    assert selected == [{":id": full[":id"], "codigo": "A"}]


def test_csv_output(client, dataset, portal):
    rows = client.get(dataset, content_type="csv", order=":id", limit=2)
    assert rows[0] == [
        "codigo",
        "comuna",
        "valor",
        "costo",
        "fecha",
        "activo",
        "ubicacion",
        "enlace",
    ]
    assert rows[1] == ["A", "Comuna 1", "5", "", "2021-01-10T00:00:00.000", "true", "", ""]
    count = _get(portal, dataset, "csv", **{"$select": "count(*)"})
    assert count.headers["Content-Type"].startswith("text/csv")
    assert count.text.splitlines() == ['"count"', '"5"']


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"$where": "nope = 1"}, soql.NO_SUCH_COLUMN),
        ({"$select": "codigo, nope"}, soql.NO_SUCH_COLUMN),
        ({"$order": "nope"}, soql.NO_SUCH_COLUMN),
        ({"nope": "1"}, soql.NO_SUCH_COLUMN),
        ({"$where": "comuna = 5"}, soql.TYPE_MISMATCH),
        ({"$where": "valor > 'mucho'"}, soql.TYPE_MISMATCH),
        ({"$where": "valor >"}, soql.MALFORMED),
        ({"$where": "valor > 1 AND"}, soql.MALFORMED),
        ({"$where": "valor ~ 1"}, soql.MALFORMED),
        ({"$group": "comuna"}, soql.MALFORMED),
        ({"$offset": "-1"}, soql.MALFORMED),
        ({"$select": "count(*), codigo"}, soql.MALFORMED),
    ],
)
def test_soql_errors_are_400_with_socrata_codes(portal, dataset, params, code):
    answer = _get(portal, dataset, **params)
    assert answer.status_code == 400
    assert answer.json()["code"] == code and answer.json()["error"] is True


def test_compiled_sql_binds_every_value():
    columns = {"comuna": v.Column("comuna", v.TEXT), "valor": v.Column("valor", v.NUMBER)}
    evil = "x'); DROP TABLE rows; --"
    query = soql.compile_query(
        [("$where", f"comuna = '{evil.replace(chr(39), chr(39) * 2)}' AND valor > 3")], columns
    )
    assert query.where is not None
    assert "DROP" not in query.where.text and "x'" not in query.where.text
    assert evil in query.where.params and 3 in query.where.params


def test_soda2_headers_name_and_type_every_returned_field(client, dataset, portal):
    plain = _get(portal, dataset)
    assert json.loads(plain.headers["X-SODA2-Fields"]) == [c["fieldName"] for c in COLUMNS]
    assert json.loads(plain.headers["X-SODA2-Types"]) == [
        "text", "text", "number", "money", "floating_timestamp", "checkbox", "point", "url",
    ]  # fmt: skip
    chosen = _get(portal, dataset, **{"$select": "codigo AS c, fecha, :id"})
    assert chosen.headers["X-SODA2-Fields"] == '["c","fecha",":id"]'
    assert chosen.headers["X-SODA2-Types"] == '["text","floating_timestamp","row_identifier"]'
    system = _get(portal, dataset, "csv", **{"$$exclude_system_fields": "false"})
    assert json.loads(system.headers["X-SODA2-Types"])[:3] == [
        "row_identifier", "fixed_timestamp", "fixed_timestamp",
    ]  # fmt: skip
    count = _get(portal, dataset, **{"$select": "count(*)"})
    assert (count.headers["X-SODA2-Fields"], count.headers["X-SODA2-Types"]) == (
        '["count"]',
        '["number"]',
    )


def test_geojson_puts_the_point_in_the_geometry(client, portal):
    dataset = public_dataset(client)
    point = {"type": "Point", "coordinates": [-76.5225, 3.4516]}
    client.upsert(dataset, [{"codigo": "A", "valor": 1, "ubicacion": point}, {"codigo": "B"}])
    collection = client.get(dataset, content_type="geojson", order=":id")  # sodapy parses it
    assert collection["type"] == "FeatureCollection"
    first, second = collection["features"]
    assert first["geometry"] == point and second["geometry"] is None
    assert first["properties"]["codigo"] == "A" and first["properties"]["valor"] == "1"
    assert "ubicacion" not in first["properties"] and first["properties"]["comuna"] is None
    answer = _get(portal, dataset, "geojson", **{"$select": "codigo, ubicacion", "codigo": "A"})
    assert answer.headers["Content-Type"].startswith("application/vnd.geo+json")
    assert answer.json()["features"] == [
        {"type": "Feature", "geometry": point, "properties": {"codigo": "A"}}
    ]


@pytest.mark.parametrize(
    "where",
    [
        "(" * 10_000 + "valor > 1" + ")" * 10_000,
        "NOT " * 5_000 + "valor > 1",
        " OR ".join(["valor = 1"] * 2_000),
        "codigo IN (" + ", ".join(["'a'"] * 3_000) + ")",
    ],
    ids=["parentheses", "not", "terms", "in-list"],
)
def test_hostile_where_clauses_are_400_not_500(portal, dataset, where):
    answer = _get(portal, dataset, **{"$where": where})
    assert answer.status_code == 400
    assert answer.json()["code"] == soql.MALFORMED
    assert "RecursionError" not in answer.text


def test_nesting_within_the_bound_still_works(client, dataset):
    where = "(" * soql.MAX_NESTING + "valor > 20" + ")" * soql.MAX_NESTING
    assert _codes(client.get(dataset, where=where)) == ["C", "D"]
    many = " OR ".join(f"codigo = '{c}'" for c in "ABZ" * 100)
    assert _codes(client.get(dataset, where=many)) == ["A", "B"]
