"""Value detectors respect the contract's type and the column's shape: money and integers are
not phones unless the name or the formatting says phone; declared public places pass with an
info finding; a column the contract does not publish warns instead of blocking."""

import pytest

from datos_cali.findings import Severity
from tests.quality.builders import build

AMOUNTS = ["3000000000", "6062670716", "3151234000", " -   ", "3209876000", "6025550000"]
MOBILES = ["3001234567", "3157654321", "3209876543", "3112345678", "3501234567"]


def detections(prepared, column: str) -> set[str]:
    return set(next(c for c in prepared.pii.columns if c.key == column).detections)


@pytest.mark.parametrize("kind", ["integer", "number"])
def test_amounts_in_a_numeric_column_are_not_phones(tmp_path, kind):
    values = [v.strip() if v.strip() != "-" else "0" for v in AMOUNTS]
    prepared = build(tmp_path, {"valor_apropiado": values}, kinds={"valor_apropiado": kind})
    assert detections(prepared, "valor_apropiado") == set()
    assert not [f for f in prepared.pii.findings if f.severity == Severity.BLOCK]


def test_a_numeric_column_named_phone_is_read_for_phones(tmp_path):
    prepared = build(tmp_path, {"telefono": MOBILES}, kinds={"telefono": "integer"})
    assert detections(prepared, "telefono") == {"celular"}


def test_phone_formatting_in_a_numeric_column_says_phone(tmp_path):
    values = ["1500000", "311 234 5678", "2500000", "+57 315 765 4321", "4000000"]
    prepared = build(tmp_path, {"valor": values}, kinds={"valor": "number"})
    assert detections(prepared, "valor") == {"celular"}


def test_amounts_written_as_money_in_text_are_never_phones(tmp_path):
    values = ["$ 3.000.000.000", "3.000.000.000", "Valor: 3000000000 pesos", "6.062.670.716,00"]
    prepared = build(tmp_path, {"detalle": values})
    assert detections(prepared, "detalle") == set()


def test_a_text_column_of_plain_numbers_is_phones_only_if_most_are(tmp_path):
    mostly = build(tmp_path / "a", {"dato": [*MOBILES, "123", "456"]})
    assert detections(mostly, "dato") == {"celular"}
    few = build(tmp_path / "b", {"dato": ["3001234567"] + [str(100 + i) for i in range(9)]})
    assert detections(few, "dato") == set()
    amounts = build(tmp_path / "c", {"ppto_inicial": ["3000000000", "3151000000", "3209876000"]})
    assert detections(amounts, "ppto_inicial") == set()  # the header says money


def test_money_columns_outside_the_contract_are_not_cedulas(tmp_path):
    money = [" 224.436.000 ", " 290.296.000 ", " 20.000.000 ", " 54.028.800 ", " 10.000.000 "]
    prepared = build(tmp_path, {"a": ["x"] * 5}, extra={"PPTO INICIAL": money})
    assert detections(prepared, "PPTO INICIAL") == set()


PLACES = {
    "privacy": {
        "public_places": [
            {
                "column": "direccion_sede",
                "basis": "Sedes educativas oficiales, información pública.",
            }
        ]
    }
}


def test_public_places_pass_with_an_info_finding(tmp_path):
    values = ["Calle 5 # 38-45", "IEO Manuela Beltrán, Cra 24C No. 12-33", "Avenida 6N # 23-45"]
    prepared = build(tmp_path, {"direccion_sede": values}, dataset=PLACES)
    (finding,) = prepared.pii.findings
    assert (finding.code, finding.severity) == ("lugares_publicos", Severity.INFO)
    assert "Sedes educativas oficiales" in finding.message
    assert prepared.pii.risk_points() == 0


def test_a_cedula_in_a_public_places_column_still_blocks(tmp_path):
    values = ["Calle 5 # 38-45", "Rector CC 31234567", "Avenida 6N # 23-45"]
    prepared = build(tmp_path, {"direccion_sede": values}, dataset=PLACES)
    codes = {(f.code, f.severity) for f in prepared.pii.findings}
    assert ("dato_personal", Severity.BLOCK) in codes


def test_an_unpublished_column_warns_and_never_leaves(tmp_path):
    prepared = build(tmp_path, {"a": ["x", "y", "z"]}, extra={"Notas": ["ok", "CC 31234567", "ok"]})
    (finding,) = prepared.pii.findings
    assert (finding.code, finding.severity, finding.rows) == (
        "dato_personal_no_publicado",
        Severity.WARN,
        [3],
    )
    assert list(prepared.typed.frame.columns) == ["a"]  # what publishing sends
