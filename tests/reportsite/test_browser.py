"""The site in Debian's Chromium: click through, use only the keyboard, and run axe-core.

Chromium comes from `make system-deps` (Debian's package) and axe-core from the pinned
`axe-playwright-python` wheel, which bundles `axe.min.js`: nothing is downloaded here. Every
request the pages make that is not a local file is refused and recorded, and must not happen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reportsite.conftest import IMAE, ROOT

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
SCREENSHOTS_ENV = "DATOS_CALI_SCREENSHOTS"


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
    if os.environ.get(SCREENSHOTS_ENV) == "1":
        target = ROOT / "docs" / "screenshots" / "dataset.png"  # the first screenful, for docs
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))


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
