"""The site in Debian's Chromium: click through, use only the keyboard, and run axe-core.

Chromium comes from `make system-deps` (Debian's package) and axe-core from the pinned
`axe-playwright-python` wheel, which bundles `axe.min.js`: nothing is downloaded here. Every
request the pages make that is not a local file is refused and recorded, and must not happen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reportsite.conftest import IMAE

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ORGANISMO = "Departamento Administrativo de Planeación"
DATASET = "Indicador mensual de actividad económica de Cali"
BLOCKING_IMPACTS = {"serious", "critical"}


MISSING_CHROMIUM = (
    f"Chromium is not installed at {CHROMIUM}: run `make system-deps` "
    "(installs Debian's chromium package). These tests never download a browser."
)


def test_debian_chromium_is_installed():
    assert CHROMIUM.exists(), MISSING_CHROMIUM


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-CO")
    outside: list[str] = []

    def refuse(route):
        outside.append(route.request.url)
        route.abort()

    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else refuse(route),
    )
    page = context.new_page()
    page.outside_requests = outside
    yield page
    assert outside == [], f"the site tried to load from outside: {outside}"
    context.close()


def url(site_root: Path, path: str) -> str:
    return (site_root / path).as_uri()


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return results.response["violations"]


def blocking(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


def test_click_from_the_index_to_a_dataset_and_read_its_evidence(populated, page, tmp_path):
    root = populated.site.root
    page.goto(url(root, "index.html"))
    assert page.locator("h1").inner_text() == "Informes de calidad de los datos abiertos de Cali"
    page.get_by_role("link", name=ORGANISMO, exact=True).click()
    page.wait_for_url("**/organismos/planeacion.html")
    assert page.locator("h1").inner_text() == ORGANISMO
    page.get_by_role("link", name=DATASET, exact=True).click()
    page.wait_for_url(f"**/conjuntos/{IMAE}.html")
    assert page.locator("h1").inner_text() == DATASET

    latest = page.locator("#resultado").locator("xpath=..")
    assert "Rechazado" in latest.inner_text()
    completitud = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Completitud")
    )
    row_text = completitud.first.inner_text()
    assert "1-provisional" in row_text and "Provisional" in row_text
    findings = page.get_by_role("table", name="Hallazgos del último archivo analizado")
    contract_rows = findings.get_by_role("row").filter(has_text="Contrato del conjunto")
    assert contract_rows.count() == 2
    assert {contract_rows.nth(i).get_by_role("cell").nth(4).inner_text() for i in range(2)} == {
        "2",
        "3",
    }
    assert (
        populated.published_sha
        in page.get_by_role(
            "table", name="Resultado más reciente en cada portal y última publicación confirmada"
        ).inner_text()
    )
    chart = page.get_by_role("img", name="Índice general de calidad por ejecución")
    assert chart.is_visible()

    shot = tmp_path / "dataset.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_the_keyboard_alone_reaches_a_dataset(populated, page):
    page.goto(url(populated.site.root, "index.html"))
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent.trim()")
    assert skip == "Saltar al contenido principal"
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth),"
        " document.activeElement.getBoundingClientRect().top]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2 and outline[2] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenido"

    tab_until(page, ORGANISMO)
    page.keyboard.press("Enter")
    page.wait_for_url("**/organismos/planeacion.html")
    tab_until(page, DATASET)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/conjuntos/{IMAE}.html")
    assert page.locator("h1").inner_text() == DATASET


def tab_until(page, text: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"«{text}» was not reached with {limit} presses of Tab")


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "organismos/planeacion.html",
        f"conjuntos/{IMAE}.html",
        "criterios.html",
        "actividad/index.html",  # a contributed page, with a bar chart
    ],
)
def test_axe_finds_no_serious_or_critical_violations(populated, page, path):
    page.goto(url(populated.site.root, path))
    violations = axe_violations(page)
    assert blocking(violations) == []


@pytest.mark.parametrize(
    "path",
    ["index.html", "organismos/planeacion.html", f"conjuntos/{IMAE}.html"],
)
def test_axe_finds_nothing_serious_in_print_either(populated, page, path):
    page.emulate_media(media="print")
    page.goto(url(populated.site.root, path))
    assert blocking(axe_violations(page)) == []


def test_search_and_filters_narrow_the_list_of_datasets(populated, page):
    page.goto(url(populated.site.root, "index.html"))
    rows = page.locator("tr.conjunto")
    total = rows.count()
    assert total > 2 and page.locator("#filtros").is_visible()
    page.get_by_label("Buscar", exact=True).fill("actividad economica")  # accents are not needed
    assert [rows.nth(i).is_visible() for i in range(total)].count(True) == 1
    assert page.locator("#filtros-cuenta").inner_text() == f"Se muestra 1 de {total} conjuntos."
    page.get_by_label("Buscar", exact=True).fill("")
    page.get_by_label("Resultado más reciente", exact=True).select_option("rejected")
    visible = [rows.nth(i) for i in range(total) if rows.nth(i).is_visible()]
    assert len(visible) == 1 and DATASET in visible[0].inner_text()
    page.get_by_label("Resultado más reciente", exact=True).select_option("")
    page.get_by_label("Publicado en", exact=True).select_option("ninguno")
    assert all(
        "Ninguno todavía" in rows.nth(i).inner_text()
        for i in range(total)
        if rows.nth(i).is_visible()
    )


def test_without_javascript_the_whole_list_is_there(populated, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url(populated.site.root, "index.html"))
    rows = page.locator("tr.conjunto")
    assert rows.count() > 2 and all(rows.nth(i).is_visible() for i in range(rows.count()))
    assert not page.locator("#filtros").is_visible()
    context.close()


def test_printing_clips_nothing_of_the_evidence(populated, page):
    page.set_viewport_size({"width": 1050, "height": 740})  # about A4 landscape at 96 dpi
    page.emulate_media(media="print")
    page.goto(url(populated.site.root, f"conjuntos/{IMAE}.html"))
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.tabla-desplazable')].map(box =>
             [box.querySelector('caption').textContent, box.scrollWidth - box.clientWidth])"""
    )
    assert [caption for caption, extra in overflow if extra > 1] == []


def test_chart_text_stays_readable_on_a_phone(populated, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url(populated.site.root, f"conjuntos/{IMAE}.html"))
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.grafico-svg text')].map(t =>
             t.getBoundingClientRect().height)"""
    )
    assert sizes and min(sizes) >= 10  # px on screen, however narrow the phone


def test_the_pdf_of_a_dataset_page_holds_the_whole_evidence(populated, tmp_path):
    import shutil
    import subprocess

    from datos_cali.reportsite.pdf import dataset_pdf

    pdf = dataset_pdf(populated.site.root, IMAE, tmp_path / "auditoria.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = "".join(text.split())
    assert populated.published_sha in squeezed  # the SHA-256, whole, even wrapped
    assert "JSON" in text and "Evidencia de publicación" in text
    from datos_cali.ledger import open_ledger

    with open_ledger(populated.ledger_url) as ledger:
        published = ledger.last_published(IMAE, "datos.gov.co")
    for request_id in published.portal_request_ids:
        assert request_id in squeezed
    assert shutil.which("pdftoppm")
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    [png] = tmp_path.glob("p*.png")
    from PIL import Image

    with Image.open(png) as image:
        width, height = image.size
        assert width > height  # A4 landscape
        inked = sum(1 for value in image.convert("L").getdata() if value < 200)
    assert inked > 0.01 * width * height  # a page with text on it, not a blank one
