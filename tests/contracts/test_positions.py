"""Columns by position: repeated or meaningless headers resolved by the catalog's `position:`."""

import pytest

from datos_cali.catalog.models import Dataset
from datos_cali.catalog_check import same_header_problems
from datos_cali.contracts import load_contract
from datos_cali.contracts.coerce import resolve_repeated_headers
from datos_cali.findings import Severity
from datos_cali.quality import prepare
from datos_cali.reading.table import finish
from tests.quality.builders import NOW, base_dataset, raw_table, write_contract

# The budget export's headers: «Programa» at 1 and 3, «Pospre 1» at 4 and 5 (1-based).
HEADERS = ["Programa", "Nombre", "Programa", "Pospre 1", "Pospre 1"]
CELLS = [
    ["BP1", "Actividad"],
    ["Act A", "Act B"],
    ["5401002", "5402001"],
    ["2-3202", "2-3203"],
    ["Servicios", "Obras"],
]
FIELDS = {"codigo_actividad": ("Programa", 1), "nombre": ("Nombre", None), "programa": ("Programa", 3), "pospre": ("Pospre 1", 4), "nombre_pospre": ("Pospre 1", 5)}  # fmt: skip


def entry(positions: dict[str, int | None]) -> Dataset:
    data = base_dataset(list(FIELDS))
    for name, position in positions.items():
        if position:
            data["columns"][name]["position"] = position
    return Dataset.model_validate(data)


def contract(tmp_path):
    """The contract: five text fields whose titles repeat as the file's headers do."""
    folder = tmp_path / "schemas"
    write_contract(folder, dict.fromkeys(FIELDS, "text"))
    path = folder / "prueba.yaml"
    text = path.read_text("utf-8")
    for name, (title, _) in FIELDS.items():
        text = text.replace(f"title: {name}\n", f"title: {title}\n")
    path.write_text(text, "utf-8")
    return load_contract("prueba", folder)


def raw_file():
    raw = raw_table({f"c{i}": cells for i, cells in enumerate(CELLS)})
    raw.headers = list(HEADERS)
    return raw


def prepare_with(tmp_path, positions):
    return prepare(raw_file(), entry(positions), contract(tmp_path), now=NOW)


PLACED = {name: p for name, (_, p) in FIELDS.items()}


def test_each_copy_of_a_repeated_header_is_its_own_field(tmp_path):
    prepared = prepare_with(tmp_path, PLACED)
    frame = prepared.typed.frame
    assert frame["codigo_actividad"].tolist() == ["BP1", "Actividad"]
    assert frame["programa"].tolist() == ["5401002", "5402001"]
    assert frame["pospre"].tolist() == ["2-3202", "2-3203"]
    assert frame["nombre_pospre"].tolist() == ["Servicios", "Obras"]
    assert not [f for f in prepared.contract_findings if f.severity == Severity.BLOCK]


def test_without_positions_a_repeated_header_blocks(tmp_path):
    prepared = prepare_with(tmp_path, {})
    assert "columna_duplicada" in {f.code for f in prepared.contract_findings}


def test_a_header_that_moved_is_stopped_not_misread(tmp_path):
    positions = dict(PLACED)
    positions["pospre"] = 2  # column 2 is «Nombre»
    positions["nombre"] = None
    prepared = prepare_with(tmp_path, positions)
    (moved,) = [f for f in prepared.contract_findings if f.code == "posicion_no_corresponde"]
    assert moved.severity == Severity.BLOCK and moved.column == "pospre"
    assert "columna 2" in moved.message and "«Nombre»" in moved.message


def test_a_position_beyond_the_file(tmp_path):
    positions = PLACED | {"nombre_pospre": 9}
    prepared = prepare_with(tmp_path, positions)
    (missing,) = [f for f in prepared.contract_findings if f.code == "posicion_no_corresponde"]
    assert "columna 9, más allá de la última del archivo (la 5)" in missing.message


def test_repeated_headers_resolved_by_position_are_information(tmp_path):
    raw = finish(raw_file())  # the reader's own checks: «repeated header» findings
    placed = {"codigo_actividad": 0, "programa": 2, "pospre": 3, "nombre_pospre": 4}
    resolved = resolve_repeated_headers(raw.findings, raw, placed)
    assert {(f.column, f.severity) for f in resolved} == {
        ("Programa", Severity.INFO),
        ("Pospre 1", Severity.INFO),
    }
    half = resolve_repeated_headers(raw.findings, raw, {"codigo_actividad": 0})
    assert {(f.column, f.severity) for f in half} == {
        ("Programa", Severity.BLOCK),
        ("Pospre 1", Severity.BLOCK),
    }


@pytest.mark.parametrize(
    ("positions", "problems"),
    [({}, 2), ({"codigo_actividad": 1, "programa": 3}, 1), (PLACED, 0)],
)
def test_catalog_check_refuses_two_fields_for_one_header_without_positions(
    tmp_path, positions, problems
):
    found = same_header_problems(entry(positions), contract(tmp_path))
    assert len(found) == problems
    if found:
        assert "position: N" in found[0]
