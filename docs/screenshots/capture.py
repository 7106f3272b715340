"""Screenshots of the auditors' site for the docs: `make screenshots` (after `make run`).

Builds the site from this checkout's state, writes the PDF of one dataset's page, and takes,
with Debian's Chromium: the index, an organismo, a dataset on screen and as printed, the first
page of its PDF (pdftoppm), the usage and compliance pages, and the index at 390 px wide.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from datos_cali.catalog import load_catalog
from datos_cali.reportsite import default_out_dir
from datos_cali.reportsite.pdf import dataset_pdf
from datos_cali.settings import paths

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
DATASET = "contratacion-urgencia-manifiesta"
ORGANISMO = "salud"
SHOTS = (
    ("indice.png", "index.html", 1280, False, False),
    ("indice-390.png", "index.html", 390, False, False),
    ("organismo.png", f"organismos/{ORGANISMO}.html", 1280, False, False),
    ("conjunto.png", f"conjuntos/{DATASET}.html", 1280, True, False),
    ("conjunto-impreso.png", f"conjuntos/{DATASET}.html", 1050, True, True),
    ("uso.png", "uso/index.html", 1280, False, False),
    ("cumplimiento.png", "cumplimiento/index.html", 1280, False, False),
)


def main() -> int:
    site = default_out_dir()
    if not (site / "index.html").is_file():
        print(
            "No hay sitio: ejecute «make run» y «datos-cali report build» antes.", file=sys.stderr
        )
        return 2
    assert DATASET in load_catalog(paths().catalog).datasets
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, page_path, width, full, printed in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="es-CO")
            page = context.new_page()
            if printed:
                page.emulate_media(media="print")
            page.goto((site / page_path).as_uri())
            page.screenshot(path=str(HERE / name), full_page=full)
            context.close()
            print(HERE / name)
        browser.close()
    pdf = dataset_pdf(site, DATASET, HERE / "conjunto.pdf")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "80",
            "-png",
            "-f",
            "1",
            "-l",
            "2",
            str(pdf),
            str(HERE / "conjunto-pdf"),
        ],
        check=True,
    )
    pdf.unlink()  # the PNGs of its pages are what the docs show
    for png in sorted(HERE.glob("conjunto-pdf*.png")):
        print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
