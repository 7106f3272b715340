"""Upload, pre-check, every row to fix, send, receipt, hand-off — over HTTP, end to end."""

from __future__ import annotations

import csv
import io
import re

import openpyxl

from datos_cali import archive
from datos_cali.contracts import load_contract
from datos_cali.precheck import precheck
from datos_cali.settings import paths
from datos_cali.sources.inbox import candidates
from tests.ventanilla.conftest import IMAE, VACUNACION, text_of, upload_id


def broken_imae(bad_rows: int = 25) -> bytes:
    """IMAE with «Índice» not a number in its first `bad_rows` rows (file rows 2…)."""
    lines = IMAE.read_bytes().split(b"\n")
    for number in range(1, bad_rows + 1):
        cells = lines[number].split(b";")
        cells[2] = b"cien"
        lines[number] = b";".join(cells)
    return b"\n".join(lines)


# 25 rows whose «Índice» is not a number: more than the ten examples a finding shows.
BROKEN_IMAE = broken_imae()


def test_the_verdict_is_the_same_as_datos_cali_validate(ventanilla):
    ventanilla.user("ana@salud.gov.co")
    clerk = ventanilla.client("ana@salud.gov.co")
    answer = clerk.upload(VACUNACION.read_bytes(), VACUNACION.name, "vacunacion-covid19")
    upload = ventanilla.store.upload(upload_id(answer))
    catalog = ventanilla.service.catalog
    dataset = catalog.datasets["vacunacion-covid19"]
    expected = precheck(
        VACUNACION,
        dataset,
        load_contract(dataset.schema_name, paths().schemas),
        organismo=catalog.organismo_of(dataset),
    )
    assert upload.publishable == expected.publishable is True
    assert (upload.rows, upload.errors_count, upload.warnings_count) == (
        expected.rows,
        len(expected.errors),
        len(expected.warnings),
    )
    assert sorted(f["code"] for f in upload.findings) == sorted(f.code for f in expected.findings)
    # archived exactly like an inbox submission, by SHA-256, with where it came from
    assert archive.verify(upload.sha256)
    [origin] = archive.origins(upload.sha256)
    assert origin["source_kind"] == "ventanilla" and origin["file_name"] == VACUNACION.name
    assert "Se puede publicar" in answer.text


def test_every_row_to_fix_is_in_the_downloads_not_only_ten(ventanilla):
    ventanilla.user("luis@planeacion.gov.co", organismo="planeacion")
    clerk = ventanilla.client("luis@planeacion.gov.co")
    answer = clerk.upload(BROKEN_IMAE, "IMAE_Cali.csv", "indice-mensual-actividad-economica")
    assert answer.status_code == 200 and "No se puede publicar" in answer.text
    number = upload_id(answer)
    upload = ventanilla.store.upload(number)
    [bad] = [f for f in upload.findings if f["code"] == "no_es_numero"]
    assert bad["count"] == 25 and len(bad["rows"]) == 10  # the page shows ten…

    listing = clerk.get(f"/envios/{number}/filas.csv")
    assert listing.status_code == 200 and "attachment" in listing.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(listing.content.decode("utf-8-sig"))))
    assert lines[0] == ["Fila", "Columna", "Problema", "Gravedad", "Código"]
    rows = [line for line in lines[1:] if line[4] == "no_es_numero"]
    assert [int(r[0]) for r in rows] == list(range(2, 27))  # …the download has all 25
    assert {r[1] for r in rows} == {"Índice (2015=100)"}  # the header as the clerk wrote it
    assert all("cien" not in ",".join(line) for line in lines)  # no cell values at all

    workbook = clerk.get(f"/envios/{number}/filas.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True).active
    excel = list(sheet.iter_rows(values_only=True))
    assert len(excel) == len(lines) and excel[1][0] == int(lines[1][0])
    assert "Enviar para publicar" not in answer.text  # a blocked file cannot be sent


def test_the_dataset_is_recognised_from_the_headers(ventanilla):
    ventanilla.user("ana@salud.gov.co")
    answer = ventanilla.client("ana@salud.gov.co").upload(VACUNACION.read_bytes(), "datos.csv")
    upload = ventanilla.store.upload(upload_id(answer))
    assert upload.dataset == "vacunacion-covid19" and upload.recognised
    assert "Reconocimos el archivo por sus encabezados" in answer.text

    unknown = ventanilla.client("ana@salud.gov.co").upload(b"a;b\n1;2\n", "otra_cosa.csv")
    assert unknown.status_code == 422 and "No reconocimos a qué conjunto" in unknown.text


def test_sending_hands_the_file_to_the_inbox_and_gives_a_receipt(ventanilla, smtp):
    ventanilla.user("ana@salud.gov.co")
    clerk = ventanilla.client("ana@salud.gov.co")
    number = upload_id(clerk.upload(VACUNACION.read_bytes(), "Vacunas DICIEMBRE.csv"))
    sent = clerk.send(number)
    assert sent.status_code == 200 and "Recibo n.º" in sent.text
    receipt = ventanilla.store.receipt(number)
    receipt_number = f"{receipt.sent_at:%Y}-{receipt.id:06d}"
    assert f"Recibo n.º {receipt_number}" in sent.text

    folder = paths().inbox / "salud"
    [handed] = candidates(folder, "vacunacion_covid19*")  # a name the pipeline recognises
    assert handed.name == receipt.inbox_name and handed.read_bytes() == VACUNACION.read_bytes()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary left

    [mail] = smtp.wait_for(1)
    assert receipt_number in mail["Subject"] and mail["Content-Language"] == "es"
    assert sorted(smtp.envelopes[0][1]) == ["ana@salud.gov.co", "salud.datos@cali.gov.co"]
    body = text_of(mail)
    assert receipt.sha256 in body and "Vacunación contra COVID-19 en Cali" in body
    assert re.search(rf"/envios/{number}\b", body)

    again = clerk.send(number)  # the same upload is never sent twice
    assert again.status_code == 409 and receipt_number in again.text
    assert len(candidates(folder, "vacunacion_covid19*")) == 1
