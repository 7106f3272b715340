import pytest
from pandera.io.pandas_io import from_yaml, to_yaml

from datos_cali.contracts import ContractError, load_contract


def test_a_contract_knows_titles_kinds_and_flags(schema_dir):
    contract = load_contract("contratos", schema_dir)
    numero = contract.columns["numero"]
    assert (numero.title, numero.kind, numero.unique, numero.nullable) == (
        "Número de Contrato",
        "text",
        True,
        False,
    )
    assert contract.columns["dias"].kind == "integer"
    assert contract.columns["fecha"].kind == "date"
    assert contract.columns["cedula"].required is False


def test_custom_checks_round_trip_through_pandera_yaml(schema_dir):
    contract = load_contract("contratos", schema_dir)
    again = from_yaml(to_yaml(contract.schema))
    assert again == contract.schema
    assert [c.name for c in again.columns["comuna"].checks] == ["comuna_cali"]


def test_a_dtype_the_reader_cannot_produce_is_refused(tmp_path):
    (tmp_path / "x.yaml").write_text("columns:\n  a:\n    dtype: int32\n", encoding="utf-8")
    with pytest.raises(ContractError, match="la columna «a» usa el tipo int32"):
        load_contract("x", tmp_path)


def test_an_unknown_check_is_a_clear_error(tmp_path):
    (tmp_path / "y.yaml").write_text(
        "columns:\n  a:\n    dtype: string[pyarrow]\n    no_such_check: {x: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ContractError, match="El esquema «y» no se pudo cargar"):
        load_contract("y", tmp_path)


def test_a_missing_schema_file_is_named(tmp_path):
    with pytest.raises(ContractError, match=r"«nada».*no existe"):
        load_contract("nada", tmp_path)
