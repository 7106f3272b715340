"""Strict, well-explained contracts: YAML words stay words, every rule's parameters are checked,
and a broken schema says which file, which line and what to do."""

import textwrap

import pytest

from datos_cali.contracts import ContractError, load_contract
from datos_cali.contracts.rules import RULES


def schema(tmp_path, body: str, name: str = "s"):
    (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return lambda: load_contract(name, tmp_path)


def problems(loader) -> list[tuple[int | None, str]]:
    with pytest.raises(ContractError) as raised:
        loader()
    return raised.value.problems


def test_si_no_on_off_yes_stay_strings(tmp_path):
    contract = schema(
        tmp_path,
        """
        columns:
          es_capital: {dtype: "string[pyarrow]", isin: [SI, NO, on, off, yes, y, n]}
        """,
    )()
    (check,) = contract.schema.columns["es_capital"].checks
    assert check.statistics["allowed_values"] == ["SI", "NO", "on", "off", "yes", "y", "n"]


def test_a_yaml_boolean_where_a_string_is_meant_is_refused_with_a_hint(tmp_path):
    found = problems(
        schema(tmp_path, 'columns:\n  a:\n    dtype: "string[pyarrow]"\n    isin: [Sí, true]\n')
    )
    ((line, message),) = found
    assert line == 4
    assert "se leyó como booleano" in message and "entre comillas" in message and "«a»" in message


def test_numbers_where_text_is_meant_are_refused(tmp_path):
    found = problems(
        schema(tmp_path, 'columns:\n  a:\n    dtype: "string[pyarrow]"\n    isin: [1, 2]\n')
    )
    assert "escríbalo entre comillas, p. ej. '1'" in found[0][1]


@pytest.mark.parametrize(
    ("rule", "wrong", "accepted"),
    [
        ("column_ge: {column: a, otra: b}", "otra", "column, other"),
        ("document_number: {type_column: a, numero: b}", "numero", "type_column, number_column"),
    ],
)
def test_an_unknown_parameter_of_a_table_rule_names_file_line_and_accepted_names(
    tmp_path, rule, wrong, accepted
):
    loader = schema(
        tmp_path,
        f"""
        columns:
          a: {{dtype: "string[pyarrow]"}}
          b: {{dtype: "string[pyarrow]"}}
        checks:
          {rule}
        """,
    )
    with pytest.raises(ContractError) as raised:
        loader()
    text = str(raised.value)
    assert "s.yaml, línea 5" in text
    assert (
        f"no tiene el parámetro «{wrong}»" in text and f"parámetros aceptados: {accepted}" in text
    )
    assert "le falta" in text  # and the one it meant is missing


def test_an_unknown_parameter_of_a_column_rule(tmp_path):
    found = problems(
        schema(
            tmp_path,
            """
            columns:
              valor:
                dtype: "double[pyarrow]"
                in_range: {min_value: 0, max: 10}
            """,
        )
    )
    messages = [m for _, m in found]
    assert any(
        "la columna «valor»" in m and "«max»" in m and "min_value, max_value" in m for m in messages
    )
    assert any("le falta «max_value»" in m for m in messages)


def test_a_rule_that_names_a_missing_column(tmp_path):
    found = problems(
        schema(
            tmp_path,
            'columns:\n  a: {dtype: "date32[day][pyarrow]"}\nchecks:\n  column_ge: {column: a, other: z}\n',
        )
    )
    assert "«z» no es una columna del esquema" in found[0][1]


def test_flags_must_be_booleans(tmp_path):
    found = problems(
        schema(tmp_path, 'columns:\n  a:\n    dtype: "string[pyarrow]"\n    nullable: yes\n')
    )
    assert found == [
        (4, "la columna «a»: «nullable» debe ser true o false (sin comillas); se escribió 'yes'.")
    ]


def test_a_text_rule_on_a_number_column(tmp_path):
    found = problems(
        schema(tmp_path, "columns:\n  a:\n    dtype: int64[pyarrow]\n    str_matches: '^1'\n")
    )
    assert "es para columnas de texto" in found[0][1]


def test_an_invalid_regular_expression(tmp_path):
    found = problems(
        schema(tmp_path, "columns:\n  a:\n    dtype: string[pyarrow]\n    str_matches: '(['\n")
    )
    assert "no es válida" in found[0][1]


def test_a_yaml_error_points_at_the_line_with_a_quoting_hint(tmp_path):
    loader = schema(
        tmp_path,
        """
        columns:
          condicion:
            dtype: string[pyarrow]
            description: Condición de la víctima: conductor, pasajero o peatón
        """,
    )
    with pytest.raises(ContractError) as raised:
        loader()
    text = str(raised.value)
    assert "s.yaml, línea 4" in text and "YAML mal formado" in text and "entre comillas" in text


def test_every_rule_is_documented_in_the_readme(project_root):
    readme = (project_root / "README.md").read_text("utf-8")
    section = readme.split("### Reglas de los esquemas", 1)[1].split("\n## ", 1)[0]
    for rule in RULES.values():
        assert f"`{rule.name}`" in section, rule.name
        for parameter in rule.parameters:
            assert f"`{parameter.name}`" in section, (rule.name, parameter.name)
