"""A small catalog with known plans and a ledger with known runs: the compliance answers are
worked out by hand in the tests."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from datos_cali.ledger import open_ledger
from tests.usage.conftest import office  # noqa: F401  (the small-catalog fixture)

ORGANISMOS = {
    "organismos": [
        {
            "slug": "alfa",
            "name": "Secretaría Alfa",
            "email": "alfa@cali.gov.co",
            "plan": {
                2021: [
                    {"dataset": "d-uno", "due": "2021-03-31"},
                    {"dataset": "d-dos", "due": "2021-06-30"},
                    {"dataset": "d-tres", "due": "2021-12-15"},
                ],
                2022: [{"dataset": "d-cuatro", "due": "2022-05-31"}],
            },
        },
        {
            "slug": "beta",
            "name": "Departamento Beta",
            "email": "beta@cali.gov.co",
            "plan": {2021: [{"dataset": "d-cinco", "due": "2021-12-31"}]},
        },
    ]
}
FREQUENCIES = {
    "d-uno": ("alfa", "mensual"),
    "d-dos": ("alfa", "anual"),
    "d-tres": ("alfa", "mensual"),
    "d-cuatro": ("alfa", "trimestral"),
    "d-cinco": ("beta", "semestral"),
    "d-seis": ("beta", "no aplica"),
}
# (dataset, target, outcome, finished at in UTC)
RUNS = [
    ("d-seis", "datos.gov.co", "published", "2020-05-01T15:00"),
    ("d-seis", "datos.gov.co", "published", "2021-02-01T15:00"),
    ("d-seis", "datos.gov.co", "unchanged", "2021-03-01T15:00"),
    ("d-uno", "datos.gov.co", "published", "2021-04-01T03:00"),  # 31 March, 22:00 in Cali
    ("d-dos", "datos.gov.co", "published", "2021-08-01T15:00"),
    ("d-tres", "none", "rejected", "2021-10-01T15:00"),
    ("d-tres", "datos.gov.co", "failed", "2021-10-02T15:00"),
    ("d-uno", "datos.gov.co", "published", "2021-11-20T15:00"),
    ("d-uno", "datos.cali.gov.co", "published", "2021-11-20T15:05"),
    ("d-cinco", "datos.gov.co", "published", "2022-01-10T15:00"),
]


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def planned(office):  # noqa: F811
    """The catalog and ledger above; returns the catalog folder."""
    (office.root / "datasets" / "organismos.yaml").write_text(
        yaml.safe_dump(ORGANISMOS, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    for slug, (organismo, frequency) in FREQUENCIES.items():
        office.add_to(organismo, slug, frequency=frequency, title=f"Conjunto {slug}")
    with open_ledger() as ledger:
        for dataset, target, outcome, finished in RUNS:
            ledger.record(
                {
                    "dataset": dataset,
                    "organismo": FREQUENCIES[dataset][0],
                    "target": target,
                    "source_kind": "file",
                    "outcome": outcome,
                    "started_at": utc(finished) - dt.timedelta(minutes=2),
                    "finished_at": utc(finished),
                }
            )
    return office
