"""The compliance pages of the report site: the current plan year, the others, and the CSV."""

from __future__ import annotations

from datos_cali.catalog import load_catalog
from datos_cali.compliance import site as compliance_site
from datos_cali.ledger import open_ledger
from datos_cali.reportsite import build_site
from datos_cali.settings import paths
from tests.compliance.conftest import utc
from tests.reportsite.htmlcheck import read

PROVIDERS = (compliance_site.pages,)


def test_one_page_per_plan_year_with_the_known_answers(planned, tmp_path):
    out = tmp_path / "sitio"
    with open_ledger() as ledger:
        build_site(
            out,
            ledger=ledger,
            catalog=load_catalog(paths().catalog),
            now=utc("2022-03-01T12:00"),
            providers=PROVIDERS,
        )

    current = read(out / "cumplimiento" / "index.html")
    assert current.headings[0] == (1, "Cumplimiento del plan de apertura 2022")
    assert "conjuntos comprometidos publicados: 0 de 1" in current.text
    assert "2021.html" in current.links()
    closed = read(out / "cumplimiento" / "2021.html")
    assert "al cierre del año (2021-12-31)" in closed.text
    assert "conjuntos comprometidos publicados: 2 de 4 (50,0 %)" in closed.text
    missed = closed.table("Conjuntos del plan 2021 que no se publicaron")
    assert missed.body_rows == 3 and "Conjunto d-tres" in closed.text
    assert closed.table("Conjuntos cuya frecuencia").body_rows == 1
    assert all(t.caption and t.headers_without_scope == 0 for t in closed.tables)
    assert "svg" in [tag for tag, _ in closed.tags] and "Publicados (%)" in closed.text
    for page in (current, closed):
        for link in page.links():
            file = link.partition("#")[0]
            assert not file or (out / "cumplimiento" / file).resolve().exists(), link
    csv = (out / "cumplimiento" / "cumplimiento.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("id_registro,anio,organismo")
    assert "2021/alfa,2021,alfa,Secretaría Alfa,3,2,1,66.67,33.33,2,0,1,2021-12-31" in csv


def test_the_compliance_csv_neutralises_a_name_that_is_a_formula(planned, tmp_path):
    organismos = planned.root / "datasets" / "organismos.yaml"
    text = organismos.read_text(encoding="utf-8")
    organismos.write_text(text.replace("Secretaría Alfa", "'=cmd|calc'"), encoding="utf-8")
    out = tmp_path / "sitio"
    with open_ledger() as ledger:
        build_site(
            out,
            ledger=ledger,
            catalog=load_catalog(paths().catalog),
            now=utc("2022-03-01T12:00"),
            providers=PROVIDERS,
        )
    csv = (out / "cumplimiento" / "cumplimiento.csv").read_text(encoding="utf-8-sig")
    assert "2021/alfa,2021,alfa,'=cmd|calc,3,2,1,66.67" in csv  # a text cell: prefixed
    assert ",=cmd" not in csv
