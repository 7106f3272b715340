"""The site built from real runs: content, evidence, structure, links, and nothing from outside."""

from __future__ import annotations

import itertools
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

from datos_cali.catalog import load_catalog
from datos_cali.quality import registry
from tests.reportsite.conftest import CONTRATOS, IMAE, ROOT
from tests.reportsite.htmlcheck import read

ORGANISMO_PAGE = "organismos/planeacion.html"
IMAE_PAGE = f"conjuntos/{IMAE}.html"


def our_pages(root: Path) -> list[Path]:
    """Every HTML page of ours: Great Expectations' own Data Docs are GX's pages, not ours."""
    return sorted(p for p in root.rglob("*.html") if "gx" not in p.relative_to(root).parts)


def test_the_index_counts_datasets_by_latest_verdict(populated):
    catalog = load_catalog(populated.catalog)
    planeacion = sum(1 for d in catalog.datasets.values() if d.organismo == "planeacion")
    page = read(populated.site.index)
    assert page.headings[0] == (1, "Informes de calidad de los datos abiertos de Cali")
    assert "Aún no hay ejecuciones" not in page.text
    # Planeación: IMAE rejected last, the others never run. Columns: datasets, published,
    # recovered, unchanged, no new file, unrecognised, rejected, failed, never run, last run.
    expected = (
        f"Departamento Administrativo de Planeación {planeacion} 0 0 0 0 0 1 0 {planeacion - 1} "
    )
    assert expected in page.text, page.text
    assert "Contratación Pública 2 1 0 0 0 0 0 0 1 " in page.text
    assert "Ejecuciones registradas 4" in page.text
    assert f"Conjuntos de datos en el catálogo {len(catalog.datasets)}" in page.text


def test_the_front_page_counts_what_is_live_apart_from_the_latest_verdict(populated):
    catalog = load_catalog(populated.catalog)
    page = read(populated.site.index)
    # IMAE's latest run was rejected, but its second publication is still on datos.gov.co;
    # the contracts dataset was published: two datasets are live there now.
    assert f"Publicados en datos.gov.co 2 de {len(catalog.datasets)}" in page.text
    assert page.headings[1:3] == [(2, "En los portales ahora"), (2, "Ejecuciones")]


def test_run_counts_agree_with_the_chart(populated):
    html = populated.site.index.read_text("utf-8")
    table = html.split("Datos del gráfico «Ejecuciones por mes y resultado»")[1].split("</table>")[
        0
    ]
    counted = sum(int(n) for n in re.findall(r'<td class="numero">(\d+)</td>', table))
    assert counted == 4 == populated.site.runs
    assert "una ejecución que escribió en dos portales cuenta una vez" in html


def test_every_dataset_is_listed_with_filters_that_need_no_inline_script(populated):
    catalog = load_catalog(populated.catalog)
    root = populated.site.root
    page = read(populated.site.index)
    assert page.table("Todos los conjuntos de datos").body_rows == len(catalog.datasets)
    for slug in catalog.datasets:
        assert f"conjuntos/{slug}.html" in page.links()
    form = next(attributes for tag, attributes in page.tags if tag == "form")
    assert "hidden" in form  # shown by the script: without JavaScript the list is all there is
    scripts = [attributes for tag, attributes in page.tags if tag == "script"]
    assert scripts == [{"src": "static/filtros.js", "defer": None}]
    assert (root / "static" / "filtros.js").is_file()
    for path in root.rglob("*.html"):
        text = path.read_text("utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path  # no inline scripts
        assert not re.search(r"\son[a-z]+=", text), path  # no inline handlers
    # IMAE: latest run rejected, still live on datos.gov.co.
    row = re.search(
        r'<tr class="conjunto"[^>]*data-resultado="rejected"[^>]*>', page_html(populated)
    )
    assert row and 'data-portales="datos.gov.co"' in row.group(0) and "planeacion" in row.group(0)


def page_html(populated) -> str:
    return populated.site.index.read_text("utf-8")


def test_no_server_path_in_the_built_site(populated):
    state = str(populated.state)
    for path in populated.site.root.rglob("*"):
        if path.is_file() and path.suffix != ".zip":
            assert state not in path.read_text("utf-8", errors="replace"), path


def test_the_organismo_page_lists_its_datasets_with_the_verdict_per_portal(populated):
    page = read(populated.site.root / ORGANISMO_PAGE)
    assert page.headings[0] == (1, "Departamento Administrativo de Planeación")
    assert f"../{IMAE_PAGE}" in page.links()
    # Latest run rejected (no portal), but datos.gov.co still holds the last publication.
    title = "Indicador mensual de actividad económica de Cali"
    assert re.search(rf"{title} Mensual ✗ Rechazado .*? ✓ Publicado", page.text)
    assert "No se publica en este portal" in page.text  # no CKAN target in this catalog


def test_the_dataset_page_shows_verdict_scores_findings_and_evidence(populated):
    page = read(populated.site.root / IMAE_PAGE)
    text = page.text
    assert "su resultado fue ✗ Rechazado" in text
    for criterion in registry():
        assert criterion.name in text
    assert text.count("1-provisional") >= 17 and "Provisional" in text
    # The contract findings of the rejected file, with its row numbers.
    assert re.search(r"Contrato del conjunto \S+ Impide publicar \S+ 1 2 ", text), text
    assert re.search(r"Contrato del conjunto \S+ Impide publicar \S+ 1 3 ", text), text
    # What the portal holds now, and the exact files of every run.
    assert populated.published_sha in text
    assert populated.first_sha in text and populated.rejected_sha in text
    assert "IMAE_Cali_v3.csv" in text and "bandeja de entrada" in text
    # Counts of the first publication: 72 rows created on datos.gov.co.
    assert re.search(r"✓ Publicado IMAE_Cali\.csv bandeja de entrada [0-9a-f]{64} 72 72 0 0", text)


def test_portal_evidence_links_to_the_asset_and_lists_request_ids(populated):
    from datos_cali.ledger import open_ledger

    with open_ledger(populated.ledger_url) as ledger:
        published = ledger.last_published(IMAE, "datos.gov.co")
    page = read(populated.site.root / IMAE_PAGE)
    assert published.portal_url in page.links()
    assert published.asset_id in page.text
    assert published.portal_request_ids
    for request_id in published.portal_request_ids:
        assert request_id in page.text


def test_every_run_report_is_copied_beside_the_page_and_linked(populated):
    root = populated.site.root
    page = read(root / IMAE_PAGE)
    reports = [link for link in page.links() if link.endswith(".json")]
    assert len(reports) == 3  # one per IMAE run
    for link in reports:
        copied = root / "conjuntos" / link
        original = populated.state / "reports" / "runs" / IMAE / copied.name
        assert copied.read_bytes() == original.read_bytes()
    rejected = [json.loads((root / "conjuntos" / link).read_text("utf-8")) for link in reports]
    assert populated.rejected_run in {report["run_id"] for report in rejected}
    assert populated.site.reports == 4


def test_great_expectations_results_are_shown_in_spanish_and_data_docs_downloaded(populated):
    import zipfile

    root = populated.site.root
    page = read(root / IMAE_PAGE)
    [docs] = [link for link in page.links() if "/gx/" in link]
    assert docs == f"../gx/{IMAE}.zip"
    with zipfile.ZipFile(root / "gx" / f"{IMAE}.zip") as archive:
        names = archive.namelist()
    assert f"great-expectations-{IMAE}/index.html" in names
    assert not any("/static/" in name for name in names)  # GX's fonts and images stay out
    assert re.search(r"Data Docs, ZIP, \d+ KB", page.text)
    assert "evaluó 12 expectativas" in page.text
    assert page.table("Expectativas de Great Expectations que se cumplieron").body_rows == 12
    assert "Sin celdas vacías" in page.text and "expect_column" not in page.text
    assert not (root / "gx" / IMAE / "index.html").exists()
    assert (
        "Aún no hay una validación de Great Expectations"
        in read(root / f"conjuntos/{CONTRATOS}.html").text
    )


def test_privacy_declarations_show_their_legal_basis(populated):
    page = read(populated.site.root / f"conjuntos/{CONTRATOS}.html")
    assert "nombre_contratista" in page.text and "numero_documento" in page.text
    assert "Ley 1712 de 2014, art. 9 lit. e y art. 10" in page.text
    assert "dato_publico_por_ley" in page.text  # the finding that let them through


def test_the_history_chart_is_an_accessible_svg_with_a_data_table(populated):
    html = (populated.site.root / IMAE_PAGE).read_text("utf-8")
    page = read(populated.site.root / IMAE_PAGE)
    assert 'aria-labelledby="grafico-historial-titulo grafico-historial-desc"' in html
    assert {"grafico-historial-titulo", "grafico-historial-desc"} <= page.ids
    # Three analysed runs: three rows in the chart's table and in the full score table.
    assert page.table("Datos del gráfico «Índice general de calidad").body_rows == 3
    assert page.table("Puntajes de cada ejecución analizada").body_rows == 3
    assert page.table("Evidencia de publicación").body_rows == 3


def test_pages_are_accessible_by_structure(populated):
    for path in our_pages(populated.site.root):
        page = read(path)
        html_tag = next(attributes for tag, attributes in page.tags if tag == "html")
        assert html_tag.get("lang") == "es", path
        levels = [level for level, _ in page.headings]
        assert levels.count(1) == 1 and levels[0] == 1, path
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (path, page.headings)
        for table in page.tables:
            assert table.caption and table.headers_without_scope == 0, path
        tags = [tag for tag, _ in page.tags]
        assert {"header", "nav", "main", "footer"} <= set(tags), path
        first_link = next(a for tag, a in page.tags if tag == "a")
        assert first_link["href"] == "#contenido" and "contenido" in page.ids, path
        scripts = [a.get("src", "") for tag, a in page.tags if tag == "script"]
        assert all(src.endswith("static/filtros.js") for src in scripts), path  # ours, external


def test_nothing_is_loaded_from_the_internet(populated):
    """Every src/href is relative, except ordinary links to the portals' dataset pages."""
    root = populated.site.root
    for path in our_pages(root):
        page = read(path)
        for tag, attribute, value in page.attribute_values("href", "src", "xlink:href", "srcset"):
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                assert (tag, attribute) == ("a", "href"), (path, tag, value)
                assert parts.scheme in ("http", "https"), (path, value)
                assert parts.netloc in populated.portal_hosts, (path, value)
        assert "@import" not in path.read_text("utf-8")
    css = (root / "static" / "sitio.css").read_text("utf-8")
    assert "url(" not in css and "@import" not in css


def test_every_relative_link_and_anchor_resolves(populated):
    root = populated.site.root
    pages = {path: read(path) for path in our_pages(root)}
    for path, page in pages.items():
        for link in page.links():
            parts = urlsplit(link)
            if parts.scheme:
                continue
            target = (path.parent / parts.path).resolve() if parts.path else path
            assert target.exists(), (path, link)
            if parts.fragment and target.suffix == ".html":
                target_page = pages.get(target) or read(target)
                assert parts.fragment in target_page.ids, (path, link)


def test_contributed_pages_are_rendered_in_the_layout_with_their_files(populated):
    root = populated.site.root
    page = read(root / "actividad" / "index.html")
    assert page.headings[:2] == [(1, "Actividad de prueba por conjunto"), (2, "Por conjunto")]
    assert "../index.html" in page.links() and f"../{IMAE_PAGE}" in page.links()
    assert (root / "actividad" / "actividad.csv").read_text("utf-8").startswith("conjunto,")
    index = read(populated.site.index)
    assert "actividad/index.html" in index.links()  # its nav label made it to every page
    assert "actividad/index.html" in populated.site.pages


def test_no_personal_value_from_the_submissions_reaches_the_site(populated):
    """Contractors' names and documents are public by law and published, yet the site — which
    reports findings, not data — never echoes a cell of any submission."""
    from datos_cali.reading import read_table

    table = read_table(ROOT / "demo" / CONTRATOS / "contratos_urgencia_manifiesta_2021.csv")
    wanted = {"Nombre del Contratista", "Número de Documento"}
    values = {
        str(value)
        for position, header in enumerate(table.headers)
        if header in wanted
        for value in table.column(position).to_pylist()
        if value and len(str(value)) > 5
    }
    assert len(values) > 100
    for path in our_pages(populated.site.root):
        text = path.read_text("utf-8")
        leaked = [value for value in values if value in text]
        assert leaked == [], path


def test_relative_paths_do_not_escape_the_site(populated):
    root = populated.site.root.resolve()
    for path in our_pages(root):
        for link in read(path).links():
            if urlsplit(link).scheme:
                continue
            resolved = posixpath.normpath(
                posixpath.join(posixpath.dirname(str(path.relative_to(root))), link)
            )
            assert not resolved.startswith(".."), (path, link)
