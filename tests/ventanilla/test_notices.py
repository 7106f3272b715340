"""Notices by e-mail, through a real SMTP server on loopback: what the runs call for, once."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from datos_cali import pipeline
from datos_cali.ledger import open_ledger
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths
from tests.ventanilla.conftest import VACUNACION, Client, html_of, text_of, upload_id

PHONES = [f"31{n:08d}" for n in range(5_100_000, 5_100_000 + 30_000)]


def with_phones() -> bytes:
    """The vaccination demo with the vaccinating IPS replaced by mobile numbers: personal data
    in a column the contract publishes, blocked (outside the contract it would only be warned
    about and dropped)."""
    lines = VACUNACION.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    out += [f"{line.rsplit(',', 1)[0]},{PHONES[i]}" for i, line in enumerate(lines[1:])]
    return ("\n".join(out) + "\n").encode("utf-8")


def drop(organismo: str, name: str, data: bytes) -> None:
    folder = paths().inbox / organismo
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


@pytest.fixture
def portals():
    with PortalSession(paths().state) as session, open_ledger() as ledger:
        yield session, ledger


def test_runs_call_for_notices_each_sent_once_without_personal_values(ventanilla, smtp, portals):
    session, ledger = portals
    ventanilla.user("ana@salud.gov.co")
    clerk = ventanilla.client("ana@salud.gov.co")

    # 1. a file dropped by hand with mobile numbers: the run rejects it
    drop("salud", "vacunacion_covid19_con_celulares.csv", with_phones())
    assert pipeline.run_dataset("vacunacion-covid19", session, ledger).outcome == "rejected"
    # 2. a clean file sent through the ventanilla: the run publishes it
    number = upload_id(clerk.upload(VACUNACION.read_bytes(), VACUNACION.name))
    clerk.send(number)
    smtp.wait_for(1)  # its receipt
    (paths().inbox / "salud" / "vacunacion_covid19_con_celulares.csv").unlink()
    assert pipeline.run_dataset("vacunacion-covid19", session, ledger).outcome == "published"
    # 3. a file whose name matches no dataset of the organismo
    drop("salud", "vacunas de diciembre.csv", b"a,b\n1,2\n")
    assert pipeline.run_dataset("barreras-acceso-salud", session, ledger).outcome == "unrecognised"

    sent = ventanilla.service.notifier.dispatch(ventanilla.service.catalog, paths())
    assert sent == 3
    smtp.wait_for(4)
    [rejected] = smtp.about("No se publicó")
    [published] = smtp.about("Publicado")
    [strangers] = smtp.about("no reconocidos")
    assert len(smtp.messages) == 4

    text = text_of(rejected)
    assert "vacunacion_covid19_con_celulares.csv" in text and "ips_vacunadora" in text
    for part in (text, html_of(rejected)):
        assert not any(phone in part for phone in PHONES)  # masked, never the values
    assert rejected["To"] == "salud.datos@cali.gov.co"

    body = text_of(published)
    links = re.findall(r"http://127\.0\.0\.1:\d+/\S+", body)
    assert any("/d/" in link for link in links)  # datos.gov.co's page on the local portal
    assert any("/dataset/" in link for link in links)  # datos.cali.gov.co's
    assert f"/envios/{number}" in body
    assert "ana@salud.gov.co" in published["To"] and "salud.datos@cali.gov.co" in published["To"]
    assert '<a href="http' in html_of(published)

    assert "vacunas de diciembre.csv" in text_of(strangers)
    assert "vacunacion_covid19" in text_of(strangers)  # how the names must start

    assert ventanilla.service.notifier.dispatch(ventanilla.service.catalog, paths()) == 0
    assert len(smtp.messages) == 4  # every notice happens once
    history = clerk.get("/historial").text  # …and is in the history too
    for subject in (published["Subject"], rejected["Subject"], strangers["Subject"]):
        assert subject.replace("«", "&laquo;") in history or subject in history


def test_an_overdue_dataset_is_told_once_per_late_period(ventanilla, smtp):
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)  # monthly: 9 days late
    with open_ledger() as ledger:
        ledger.record(
            dict(
                dataset="barreras-acceso-salud",
                organismo="salud",
                source_kind="inbox",
                target="datos.gov.co",
                outcome="published",
                started_at=long_ago,
                finished_at=long_ago,
            )
        )
    notifier = ventanilla.service.notifier
    assert notifier.dispatch(ventanilla.service.catalog, paths()) == 1
    [late] = smtp.wait_for(1)
    assert late["Subject"] == "Desactualizado: «Barreras de acceso a servicios de salud»"
    assert "mensual" in text_of(late) and "hace 9 días más de lo previsto" in text_of(late)
    assert notifier.dispatch(ventanilla.service.catalog, paths()) == 0


def test_without_an_smtp_server_notices_are_kept_and_shown(ventanilla, smtp, monkeypatch):
    ventanilla.service.notifier.server = None  # as when DATOS_CALI_SMTP_URL is not set
    ventanilla.user("ana@salud.gov.co")
    clerk = ventanilla.client("ana@salud.gov.co")
    number = upload_id(clerk.upload(VACUNACION.read_bytes(), VACUNACION.name))
    clerk.send(number)
    [notice] = ventanilla.store.notices()
    assert notice.status == "sin_correo" and notice.kind == "recibo"
    assert smtp.messages == []
    page = clerk.get(f"/envios/{number}").text
    assert "no enviado: sin servidor de correo" in page


def test_a_failed_delivery_is_retried(ventanilla, smtp):
    server = ventanilla.service.notifier.server
    ventanilla.service.notifier.server = type(server)(**{**server.__dict__, "port": 9})  # nobody
    ventanilla.user("ana@salud.gov.co")
    clerk = ventanilla.client("ana@salud.gov.co")
    clerk.send(upload_id(clerk.upload(VACUNACION.read_bytes(), VACUNACION.name)))
    [notice] = ventanilla.store.notices()
    assert notice.status == "fallido" and "no aceptó" in notice.error
    ventanilla.service.notifier.server = server
    assert ventanilla.service.notifier.retry_failed() == 1
    [mail] = smtp.wait_for(1)
    assert mail["Subject"].startswith("Recibo ")
    assert ventanilla.store.notices()[0].status == "enviado"


def test_invitations_reach_the_person_and_are_not_kept(ventanilla, smtp):
    ventanilla.user("jefe@cali.gov.co", role="oficina")
    office = ventanilla.client("jefe@cali.gov.co")
    token = office.csrf("/usuarios")
    office.post(
        "/usuarios",
        data={
            "csrf": token,
            "correo": "Auditor@Control.gov.co",
            "nombre": "Auditora",
            "rol": "auditor",
        },
    )
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "auditor@control.gov.co"
    link = re.search(r"(http://\S+/enlace/\S+)", text_of(mail)).group(1)
    assert link in html_of(mail)
    [notice] = [n for n in ventanilla.store.notices() if n.kind == "invitacion"]
    assert "/enlace/" not in notice.body and "no se guarda" in notice.body
    answer = Client(ventanilla.url).get(link.replace(ventanilla.url, ""))
    assert answer.status_code == 200 and "auditor@control.gov.co" in answer.text
