"""Personal data in free text, in every written form issue 15 lists, is blocked (one test per
form and detector); and the gate blocks it as `dato_personal`, whatever the column's name."""

import pytest

from datos_cali.catalog.models import Dataset
from datos_cali.findings import Severity
from datos_cali.quality.personal_data import scan_personal_data
from tests.quality.builders import base_dataset, raw_table

FORMS = {
    "cedula": [
        "CC-31234567", "ced. 31234567", "C.C. 1144 123 456", "31'234.567 c.c.", "cédula: 31,234,567",
        "c.c n. 31234567", "identificado con 1144123456", "documento 16.789.012",
        "Documento de identidad: 1.144.123.456", "CC No. 31234567 de Cali", "CC 31 234 567",
    ],
    "celular": [
        "311 234 56 78", "3112345678", "311-234-5678", "+57 311 234 5678", "(311) 234 5678",
        "311.234.5678", "+573112345678", "cel: 311 234 5678",
    ],
    "telefono_fijo": ["(602) 555 1234", "602 555 12 34", "+57 602 555 1234"],
    "correo": [
        "josé.pérez@gmail.com", "MARÍA.NÚÑEZ@HOTMAIL.COM", "maria.gomez [arroba] gmail.com",
        "ana.ruiz(at)hotmail.com", "ana arroba yahoo punto com", "juan_perez85 (arroba) une.net.co",
    ],
    "direccion": [
        "Calle 5 # 12A-33", "Carrera 1 # 28N-10", "Cl 44 # 7T-10", "Calle 8 Bis # 3-20",
        "Avenida 6 Norte # 23-45", "Calle 13 Oeste # 4-20", "AK 68 # 10-20", "KR 24C 12 33",
        "Cl 9 # 15-22", "Calle 5 No 38 45", "Calle 5 # 38–45", "Carrera 7 # 12—30", "Mz 3 Casa 12",
        "Cra 24C No. 12-33", "Diagonal 26 # 83-15", "Transversal 29 # 33-10",
    ],
    "nombre": [
        "MARÍA FERNANDA GÓMEZ", "maría fernanda gómez", "GÓMEZ PÉREZ MARÍA", "Gómez Pérez, María",
        "visita a la casa de Mery Gómez", "la señora Gómez", "don Jaime", "doña Teresa vino",
        "Se reunió con Juan Carlos Pérez Ospina",
    ],
}  # fmt: skip


def dataset() -> Dataset:
    return Dataset.model_validate(base_dataset(["texto"]))


@pytest.mark.parametrize(
    ("detector", "text"),
    [(detector, text) for detector, texts in FORMS.items() for text in texts],
)
def test_each_written_form_is_found_inside_free_text(detector, text):
    cells = ["Sin novedad", f"Observación: {text}. Pendiente.", "Revisión mensual"]
    scan = scan_personal_data(raw_table({"observaciones": cells}), dataset())
    (column,) = scan.columns
    assert detector in column.detections, column.detections
    assert column.detections[detector].positions.tolist() == [1]
    assert [f.code for f in scan.findings] == ["dato_personal"]
    assert scan.findings[0].severity == Severity.BLOCK


@pytest.mark.parametrize(
    "text",
    ["María Gómez, paciente con VIH", "paciente Jaime Ruiz diabético", "Ana Torres embarazada"],
)
def test_health_next_to_a_name_is_sensitive(text):
    scan = scan_personal_data(raw_table({"notas": ["Sin novedad", text]}), dataset())
    (column,) = scan.columns
    assert {"nombre", "salud_con_nombre"} <= set(column.detections)
    assert {f.code for f in scan.findings} == {"dato_personal", "dato_sensible"}


@pytest.mark.parametrize(
    "header", ["Organizaciones participantes", "Sede", "Nombre del proyecto", "Programa", "x"]
)
def test_every_text_column_is_scanned_whatever_its_name(header):
    cells = ["JAC del barrio, colectivo juvenil", "Mesa de mujeres y CC 31234567"]
    scan = scan_personal_data(raw_table({header: cells}), dataset())
    assert "cedula" in scan.columns[0].detections


def test_names_in_organisations_lists_are_found():
    cells = ["JAC del barrio, colectivo juvenil", "Mesa de mujeres, JAL, María Fernanda Gómez"]
    scan = scan_personal_data(raw_table({"Organizaciones participantes": cells}), dataset())
    assert scan.columns[0].detections["nombre"].positions.tolist() == [1]
