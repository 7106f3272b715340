"""The personal-data gate: each detector, the column rules, the legal bases, the masker."""

import numpy as np
import pytest

from datos_cali import messages
from datos_cali.catalog.models import Dataset
from datos_cali.findings import Severity
from datos_cali.quality.personal_data import scan as scanning
from datos_cali.quality.personal_data import scan_personal_data
from tests.quality.builders import base_dataset, build, raw_table

PUBLIC_DOCUMENT = {
    "privacy": {
        "public_by_law": [
            {"column": "documento", "basis": "Ley 1712 de 2014, art. 10; Decreto 1082 de 2015."}
        ]
    }
}


def dataset(**overrides) -> Dataset:
    return Dataset.model_validate(base_dataset(["texto"], **overrides))


def detections(values: list[str], header: str = "observaciones") -> dict[str, list[int]]:
    scan = scan_personal_data(raw_table({header: values}), dataset())
    return {k: sorted(v.positions.tolist()) for k, v in scan.columns[0].detections.items()}


@pytest.mark.parametrize(
    ("detector", "text"),
    [
        ("cedula", "Atendido el ciudadano identificado con C.C. 1.144.123.456 de Cali"),
        ("cedula", "cédula 31234567"),
        ("cedula", "CC No. 16.789.012"),
        ("nit_persona", "Factura a nombre del NIT 31234567-1"),
        ("celular", "Llamar al 300 123 4567"),
        ("celular", "cel: +57 315-765-4321"),
        ("telefono_fijo", "Teléfono (602) 555 1234"),
        ("correo", "Escribir a maria.gomez@gmail.com"),
        ("direccion", "Vive en la Calle 5 # 38-45 barrio San Fernando"),
        ("direccion", "Cra 24C No. 12-33"),
        ("nombre", "Se reunió con María Fernanda Gómez en la sede"),
    ],
)
def test_each_detector_finds_its_data(detector, text):
    assert detector in detections(["Sin novedad", text, "Revisión mensual"])


@pytest.mark.parametrize(
    "text",
    [
        "INSTITUCION EDUCATIVA EUSTAQUIO PALACIOS SEDE 1",
        "Institución Educativa Eustaquio Palacios sede 1",
        "Jefe de Oficina Jurídica",
        "Fundación Reciclaje Pacífico",
        "Luminarias de Occidente Ltda.",
        "Gómez Pérez Ltda.",
        "Parque Jorge Isaacs",
        "barrio Manuela Beltrán",
        "4146.010.26.1.0001-2021",
        "176001000017",
        "760010102022126452774000001318",
        "https://community.secop.gov.co/Public/Tendering/OpportunityDetail/Index?noticeUID=CO1.NTC.1813494",
        "NIT 890399001-1 Alcaldía de Santiago de Cali",  # a company's NIT is not personal data
        "contacto@cali.gov.co",  # an institutional mailbox
        "3882444000",  # ten digits starting with 3 but no mobile operator
        "Acuerdo 229 de 2008",
        "$ 2.388.464.000",
        "15/03/2021",
    ],
)
def test_what_is_not_personal_data(text):
    assert detections([text, "Sin novedad"]) == {}


def test_the_fourteen_kinds_of_demo_values_pass():
    """Values from the demo files that look like data about people but are not."""
    scan = scan_personal_data(
        raw_table(
            {
                "NOMBRE_ESTABLECIMIENTO": [
                    "INSTITUCION EDUCATIVA CELMIRA BUENO DE OREJUELA SEDE 2",
                    "INSTITUCION EDUCATIVA TECNICO INDUSTRIAL ANTONIO JOSE CAMACHO SEDE 4",
                ],
                "Barrio": ["Manuela Beltrán", "Alfonso López"],
                "ips_vacunadora": ["Clínica Valle del Lili", "Red de Salud Norte ESE"],
                "Responsable del Control": ["Jefe de Oficina Jurídica", "Líder del proceso"],
            }
        ),
        dataset(),
    )
    assert scan.findings == [] and all(not c.detections for c in scan.columns)


def test_a_column_of_dotted_cedulas_is_caught_whatever_its_name():
    values = ["1.144.123.456", "31.234.567", "16.789.012", "1.107.654.321", "94.321.876"]
    assert "cedula_columna" in detections(values, header="dato_extra")


def test_a_column_of_plain_codes_without_an_identifier_name_is_not():
    assert detections(["5103001", "5101002", "5403003", "5204004", "5404005"], "codigo") == {}


def test_an_identifier_name_with_identifier_values_is_caught():
    values = ["1144123456", "31234567", "16789012", "1107654321"]
    assert "documento" in detections(values, header="Número de identificación")


def test_findings_block_with_column_count_and_rows_but_no_values():
    values = ["ok", "C.C. 1.144.123.456", "ok", "Cel 3001234567"]
    scan = scan_personal_data(raw_table({"observaciones": values}), dataset())
    (finding,) = scan.findings
    assert (finding.code, finding.severity, finding.column) == (
        "dato_personal",
        Severity.BLOCK,
        "observaciones",
    )
    assert finding.count == 2 and finding.rows == [3, 5]
    assert "1.144.123.456" not in finding.message and "3001234567" not in finding.message
    assert "cédulas" in finding.message and "celulares" in finding.message


def test_a_column_named_like_contact_data_without_such_values_warns():
    scan = scan_personal_data(raw_table({"telefono": ["No aplica", "No reporta"]}), dataset())
    (finding,) = scan.findings
    assert (finding.code, finding.severity) == ("posible_dato_personal", Severity.WARN)


def test_tipo_documento_is_not_a_document_number():
    scan = scan_personal_data(raw_table({"Tipo de Documento": ["NIT", "CC"]}), dataset())
    assert scan.columns[0].name_match is None and scan.findings == []


def test_public_by_law_passes_with_its_legal_basis(tmp_path):
    prepared = build(
        tmp_path,
        {"documento": ["1144123456", "31234567", "16789012"]},
        dataset=PUBLIC_DOCUMENT,
    )
    (finding,) = prepared.pii.findings
    assert (finding.code, finding.severity) == ("dato_publico_por_ley", Severity.INFO)
    assert "Ley 1712 de 2014, art. 10" in finding.message


def test_sensitive_column_blocks_when_the_dataset_is_not_declared_sensitive():
    scan = scan_personal_data(raw_table({"diagnostico": ["F32", "X60"]}), dataset())
    (finding,) = scan.findings
    assert (finding.code, finding.severity) == ("dato_sensible", Severity.BLOCK)


def test_sensitive_values_are_recognised_without_a_telling_name():
    codes = ["F32.1", "X60", "X61", "F20", "J45", "X64"]
    scan = scan_personal_data(raw_table({"codigo_evento": codes}), dataset())
    assert scan.columns[0].sensitive_values == "salud (código CIE-10)"
    assert [f.code for f in scan.findings] == ["dato_sensible"]


def test_an_aggregated_dataset_with_a_sensitive_column_only_warns():
    scan = scan_personal_data(
        raw_table({"etnia": ["Indígena", "Raizal"]}), dataset(privacy={"aggregated": True})
    )
    assert [(f.code, f.severity) for f in scan.findings] == [
        ("dato_sensible_no_declarado", Severity.WARN)
    ]


def test_declared_sensitive_without_identifiers_passes_de_identified():
    scan = scan_personal_data(
        raw_table({"diagnostico": ["F32", "X60"], "sexo": ["F", "M"]}),
        dataset(privacy={"sensitive": True}),
    )
    (finding,) = scan.findings
    assert (finding.code, finding.severity) == ("publicado_sin_identificar", Severity.INFO)


def test_declared_sensitive_with_identifiers_blocks():
    scan = scan_personal_data(
        raw_table({"diagnostico": ["F32", "X60"], "cedula": ["1144123456", "31234567"]}),
        dataset(privacy={"sensitive": True}),
    )
    assert {f.code for f in scan.findings if f.severity == Severity.BLOCK} == {
        "dato_personal",
        "sensible_con_identificadores",
    }


def test_identified_minors_block():
    scan = scan_personal_data(
        raw_table({"edad": ["12", "35"], "cedula": ["1144123456", "31234567"]}), dataset()
    )
    (minors,) = [f for f in scan.findings if f.code == "menores_identificables"]
    assert minors.severity == Severity.BLOCK and minors.rows == [2, 3]


def test_ages_alone_are_not_identified_minors():
    scan = scan_personal_data(raw_table({"edad": ["12", "35"]}), dataset())
    assert scan.findings == []


# --- the masker -------------------------------------------------------------------------------


def test_the_masker_hides_flagged_columns_and_detected_pieces():
    scan = scan_personal_data(
        raw_table({"cedula": ["1144123456", "31234567"], "zona": ["Norte", "Sur"]}), dataset()
    )
    mask = scan.masker
    assert mask("cedula", "1144123456") == messages.MASKED
    assert mask("zona", "Llamar al 3001234567 hoy") == f"Llamar al {messages.MASKED} hoy"
    assert mask("zona", "Escribir a ana.perez@gmail.com") == f"Escribir a {messages.MASKED}"
    assert mask("zona", "1.144.123.456") == messages.MASKED
    assert mask("zona", "Comuna 25") == "Comuna 25"


def test_contract_failure_examples_never_show_personal_values(tmp_path):
    prepared = build(
        tmp_path,
        {"estado": ["Activo", "Llamar al 3001234567", "Inactivo"]},
        rules={"estado": {"isin": ["Activo", "Inactivo"]}},
    )
    (finding,) = [f for f in prepared.contract_findings if f.code == "valor_desconocido"]
    assert finding.message.endswith("p. ej. la fila 3.")  # public: the position only
    own = finding.for_organismo()  # the organismo's own report: the value, masked
    assert "3001234567" not in own and messages.MASKED in own


# --- bounds -----------------------------------------------------------------------------------


def test_long_columns_are_name_scanned_on_a_sample_plus_flagged_rows():
    rows = scanning.SAMPLE_ROWS + 50_000
    values = np.array([f"Registro de visita número {i} sin novedad" for i in range(rows)], object)
    values[rows - 10] = "Visita al señor Juan Carlos Pérez en su casa"  # context word
    values[rows - 5] = "Llamar al 3001234567"  # prefilter: digits
    scan = scan_personal_data(raw_table({"notas": list(values)}), dataset())
    column = scan.columns[0]
    assert column.sampled_rows == scanning.SAMPLE_ROWS
    assert column.detections["nombre"].positions.tolist() == [rows - 10]
    assert column.detections["celular"].positions.tolist() == [rows - 5]
    assert "muestra de las filas: 100000" in scan.findings[0].message


def test_python_confirmation_is_bounded(monkeypatch):
    monkeypatch.setattr(scanning, "CONFIRM_CAP", 10)
    phones = [f"300{i:07d}" for i in range(1, 41)]
    scan = scan_personal_data(raw_table({"contacto_x": phones}), dataset())
    detection = scan.columns[0].detections["celular"]
    assert detection.estimated and detection.count == 40


def test_camel_case_column_names_are_split_into_words():
    values = ["1144123456", "31234567", "16789012"]
    assert "documento" in detections(values, header="NumeroDocumento")
    scan = scan_personal_data(
        raw_table({"RangoEdad": ["[30,35)"], "CondicionVictima": ["x"]}), dataset()
    )
    age, condition = scan.columns
    assert age.name_match.category == "demografico" and condition.name_match is None
