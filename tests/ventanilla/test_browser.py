"""The ventanilla in Debian's Chromium: a clerk's whole journey, the office's status page,
axe-core on every page, keyboard-only use, and screenshots of every page.

Chromium and axe-core come as in `tests/reportsite/test_browser.py` (whose browser fixture and
axe helpers are reused): nothing is downloaded. Every request a page makes must stay on
loopback (the ventanilla, and the local portal its links point to). With
`DATOS_CALI_SCREENSHOTS=1` every page is also saved, desktop and 390 px wide, to
`docs/screenshots/ventanilla-*.png`.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from datos_cali import pipeline
from datos_cali.ledger import open_ledger
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths
from tests.reportsite.test_browser import axe_violations, blocking, browser  # noqa: F401
from tests.ventanilla.conftest import IMAE, PASSWORD, text_of
from tests.ventanilla.test_send import broken_imae

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
SCREENSHOTS_ENV = "DATOS_CALI_SCREENSHOTS"
IMAE_SLUG = "indice-mensual-actividad-economica"
IMAE_TITLE = "Indicador mensual de actividad económica de Cali"
CLERK, OFFICE = "luis@planeacion.gov.co", "jefe@cali.gov.co"
LOOPBACK = re.compile(r"^https?://127\.0\.0\.1(:\d+)?/")


class Pages:
    """A browser tab on loopback that runs axe on every page it is asked to, and keeps shots."""

    def __init__(self, context, base: str, tmp_path: Path):
        self.context = context
        self.base = base
        self.tab = context.new_page()
        self.violations: dict[str, list[str]] = {}
        self.tmp_path = tmp_path

    def goto(self, path: str):
        self.tab.goto(self.base + path)
        return self.tab

    def check(self, name: str) -> None:
        """axe on the page as it is now; a screenshot of it when asked for."""
        self.violations[name] = blocking(axe_violations(self.tab))
        if os.environ.get(SCREENSHOTS_ENV) == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.tab.screenshot(path=str(SCREENSHOTS / f"ventanilla-{name}.png"), full_page=True)
            width = self.tab.viewport_size
            self.tab.set_viewport_size({"width": 390, "height": 844})
            self.tab.screenshot(
                path=str(SCREENSHOTS / f"ventanilla-{name}-movil.png"), full_page=True
            )
            self.tab.set_viewport_size(width)

    def sign_in(self, email: str) -> None:
        tab = self.goto("/entrar")
        tab.get_by_label("Correo electrónico").fill(email)
        tab.get_by_label("Contraseña").fill(PASSWORD)
        tab.get_by_role("button", name="Entrar").click()
        tab.wait_for_url("**/inicio")


@pytest.fixture
def pages(browser, ventanilla, tmp_path):  # noqa: F811 (the reused browser fixture)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="es-CO", accept_downloads=True
    )
    outside: list[str] = []

    def route(handle):
        if LOOPBACK.match(handle.request.url):
            handle.continue_()
        else:
            outside.append(handle.request.url)
            handle.abort()

    context.route("**/*", route)
    yield Pages(context, ventanilla.url, tmp_path)
    context.close()
    assert outside == [], f"a page tried to load from outside: {outside}"


def test_a_clerk_fixes_sends_and_sees_it_published_and_the_office_sees_it(
    ventanilla, pages, smtp, tmp_path
):
    ventanilla.user(CLERK, organismo="planeacion", name="Luis Gómez")
    ventanilla.user(OFFICE, role="oficina", name="Jefa de la Oficina")
    pages.goto("/entrar")
    pages.check("entrar")
    pages.sign_in(CLERK)
    tab = pages.tab
    assert tab.locator("h1").inner_text() == "Inicio"
    assert IMAE_TITLE in tab.get_by_role("table").inner_text()
    pages.check("inicio")

    # a broken file: the findings in plain Spanish, with the column and file rows
    tab.get_by_role("link", name="Revisar y enviar un archivo").click()
    tab.wait_for_url("**/enviar")
    tab.get_by_label("Conjunto de datos").select_option(IMAE_SLUG)
    broken = tmp_path / "IMAE_Cali.csv"
    broken.write_bytes(broken_imae())
    tab.get_by_label(re.compile("^Archivo")).set_input_files(str(broken))
    pages.check("enviar")
    tab.get_by_role("button", name="Revisar el archivo").click()
    tab.wait_for_url(re.compile(r".*/envios/\d+$"))
    assert "No se puede publicar" in tab.locator("#veredicto").locator("xpath=..").inner_text()
    findings = tab.get_by_role("table", name=re.compile("Lo que encontró la revisión"))
    row = findings.get_by_role("row").filter(has_text="no es un número")
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[2] == "Índice (2015=100)" and cells[4] == "25"
    assert cells[5] == ", ".join(str(n) for n in range(2, 12))  # the first ten file rows
    assert tab.get_by_role("button", name="Enviar para publicar").count() == 0
    pages.check("revision-rechazada")

    # the full list of rows to fix, downloaded
    with tab.expect_download() as download:
        tab.get_by_role("link", name="CSV").click()
    listing = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = [line for line in csv.reader(io.StringIO(listing)) if line[-1] == "no_es_numero"]
    assert [int(line[0]) for line in rows] == list(range(2, 27))

    # the corrected file: publishable, sent, a receipt on screen and by e-mail
    tab.get_by_role("link", name="revisar el archivo corregido").click()
    tab.wait_for_url("**/enviar?conjunto=*")
    assert tab.get_by_label("Conjunto de datos").input_value() == IMAE_SLUG
    tab.get_by_label(re.compile("^Archivo")).set_input_files(str(IMAE))
    tab.get_by_role("button", name="Revisar el archivo").click()
    tab.wait_for_url(re.compile(r".*/envios/\d+$"))
    assert "Se puede publicar" in tab.locator("#veredicto").locator("xpath=..").inner_text()
    pages.check("revision-publicable")
    tab.get_by_role("button", name="Enviar para publicar").click()
    tab.wait_for_url(re.compile(r".*/envios/\d+#recibo$"))
    receipt = tab.locator("#recibo").locator("xpath=..")
    number = re.search(r"Recibo n\.º (\d{4}-\d{6})", receipt.inner_text()).group(1)
    assert "Enviado, en espera de la próxima ejecución" in receipt.inner_text()
    pages.check("recibo")
    [mail] = smtp.wait_for(1)
    assert number in mail["Subject"] and CLERK in mail["To"]
    assert "Indicador mensual de actividad económica" in text_of(mail)

    # the run takes it from the inbox and publishes it; the history shows it, with links
    with PortalSession(paths().state) as session, open_ledger() as ledger:
        run = pipeline.run_dataset(IMAE_SLUG, session, ledger)
        assert run.outcome == "published"
        tab.get_by_role("link", name="Historial", exact=True).click()
        tab.wait_for_url("**/historial")
        history = tab.get_by_role("table", name=re.compile("archivo"))
        latest = history.get_by_role("row").nth(1)
        assert "Publicado" in latest.inner_text() and number in latest.inner_text()
        pages.check("historial")
        for portal, marker in (("datos.gov.co", "/d/"), ("datos.cali.gov.co", "/dataset/")):
            link = latest.get_by_role("link", name=portal, exact=True)
            href = link.get_attribute("href")
            assert marker in href
            portal_page = pages.context.new_page()
            answer = portal_page.goto(href)
            assert answer.status == 200 and IMAE_TITLE in portal_page.content()
            portal_page.close()
        tab.get_by_role("link", name="IMAE_Cali.csv").first.click()
        published = tab.get_by_role("table", name="Resultado en cada portal").inner_text()
        assert published.count("Publicado") == 2
        pages.check("envio-publicado")

    # the office sees it on the status page
    office = pages.context.browser.new_context(viewport={"width": 1280, "height": 900})
    office.route("**/*", lambda r: r.continue_() if LOOPBACK.match(r.request.url) else r.abort())
    office_pages = Pages(office, ventanilla.url, tmp_path)
    office_pages.sign_in(OFFICE)
    office_pages.tab.get_by_role("link", name="Estado", exact=True).click()
    office_pages.tab.wait_for_url("**/estado")
    status = office_pages.tab.get_by_role("table", name="Estado de los conjuntos de datos")
    imae = status.get_by_role("row").filter(has_text=IMAE_TITLE)
    text = imae.inner_text()
    assert "Publicado" in text and "Al día" in text and "Nunca" not in text
    assert imae.get_by_role("link").count() == 2  # the last publication on each portal
    office_pages.check("estado")
    office.close()
    assert {name: found for name, found in pages.violations.items() if found} == {}
    assert {name: found for name, found in office_pages.violations.items() if found} == {}


def test_axe_finds_nothing_serious_on_the_other_pages(ventanilla, pages, smtp):
    ventanilla.user(OFFICE, role="oficina", name="Jefa de la Oficina")
    pages.goto("/olvide")
    pages.check("olvide")
    pages.sign_in(OFFICE)
    tab = pages.goto("/usuarios")
    tab.get_by_label("Correo electrónico").fill("nueva@salud.gov.co")
    tab.get_by_label("Nombre").fill("Nueva Persona")
    tab.get_by_label("Organismo (solo para el rol organismo)").select_option("salud")
    tab.get_by_role("button", name="Crear y enviar la invitación").click()
    assert "Se creó la cuenta de nueva@salud.gov.co" in tab.get_by_role("status").inner_text()
    pages.check("usuarios")
    pages.goto("/auditoria")
    assert "creó un usuario" in tab.get_by_role("table").inner_text()
    pages.check("auditoria")
    pages.goto("/envios/4242")
    assert tab.locator("h1").inner_text() == "Página no encontrada"
    pages.check("no-encontrada")
    pages.goto("/historial")
    pages.check("historial-oficina")
    pages.goto("/enviar")
    pages.check("enviar-oficina")
    [invitation] = smtp.wait_for(1)
    link = re.search(r"http://\S+(/enlace/\S+)", text_of(invitation)).group(1)
    anonymous = pages.context.browser.new_context()
    anonymous.route("**/*", lambda r: r.continue_() if LOOPBACK.match(r.request.url) else r.abort())
    newcomer = Pages(anonymous, ventanilla.url, pages.tmp_path)
    newcomer.goto(link)
    newcomer.check("enlace")
    anonymous.close()
    assert {
        name: found for name, found in {**pages.violations, **newcomer.violations}.items() if found
    } == {}


def test_the_keyboard_alone_signs_in_uploads_and_reads_the_verdict(ventanilla, pages):
    ventanilla.user(CLERK, organismo="planeacion")
    tab = pages.goto("/entrar")
    tab.keyboard.press("Tab")
    assert (
        tab.evaluate("document.activeElement.textContent.trim()") == "Saltar al contenido principal"
    )
    outline = tab.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2  # focus is visible
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "contenido"
    tab_to(tab, "correo")
    tab.keyboard.type(CLERK)
    tab.keyboard.press("Tab")
    tab.keyboard.type(PASSWORD)
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/inicio")

    # The chooser is intercepted from here on, well before Space opens it: a listener added just
    # before the key press races the browser's interception (puppeteer#6040) and, on a busy
    # machine, the chooser opens unseen.
    tab.on("filechooser", lambda chooser: chooser.set_files(str(IMAE)))
    tab_to(tab, "Revisar y enviar un archivo")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/enviar")
    tab_to(tab, "conjunto")
    tab.keyboard.press("ArrowDown")  # the first of its datasets
    chosen = tab.evaluate("document.activeElement.value")
    assert chosen
    tab_to(tab, "archivo")
    tab.keyboard.press("Space")  # opens the chooser; the listener above picks the file
    expect(tab.locator("[data-elegido]")).to_have_text(f"Archivo elegido: {IMAE.name}")
    tab_to(tab, "Revisar el archivo")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r".*/envios/\d+$"))
    assert tab.locator("h1").inner_text() == "Revisión de «IMAE_Cali.csv»"


def tab_to(tab, name: str, limit: int = 60) -> None:
    """Press Tab until the focused element has this id or this text."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        found = tab.evaluate(
            "[document.activeElement.id, document.activeElement.textContent.trim()]"
        )
        if name in found:
            return
    raise AssertionError(f"«{name}» was not reached with {limit} presses of Tab")
