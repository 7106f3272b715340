"""From a file to the Spanish findings an organismo reads: codes, counts and row numbers."""

from datos_cali.contracts import load_contract
from datos_cali.contracts.coerce import coerce
from datos_cali.contracts.validate import validate
from datos_cali.findings import Kind, Severity
from datos_cali.reading import read_table

HEADER = "Número de Contrato;Comuna;Valor del Contrato;Fecha de Suscripción;Plazo (días)\n"


def check(tmp_path, schema_dir, body, header=HEADER, aliases=None):
    path = tmp_path / "f.csv"
    path.write_text(header + body, encoding="cp1252")
    contract = load_contract("contratos", schema_dir)
    typed = coerce(read_table(path), contract, aliases=aliases or {})
    findings = typed.findings + validate(typed, contract)
    return typed, {f.code: f for f in findings}


def rows(n, overrides=None):
    out = []
    for i in range(1, n + 1):
        values = {
            "numero": f"C-{i}",
            "comuna": "Comuna 3",
            "valor": "$ 1.000",
            "fecha": "15/03/2021",
            "dias": "30",
        }
        values.update((overrides or {}).get(i, {}))
        out.append(";".join(values.values()))
    return "\n".join(out) + "\n"


def test_a_clean_file_has_no_findings_and_typed_values(tmp_path, schema_dir):
    typed, findings = check(tmp_path, schema_dir, rows(3))
    assert findings == {}
    assert typed.frame["valor"].tolist() == [1000.0] * 3
    assert typed.headers["valor"] == "Valor del Contrato"


def test_missing_column_is_named_by_its_title(tmp_path, schema_dir):
    header = "Número de Contrato;Comuna;Fecha de Suscripción;Plazo (días)\n"
    _, findings = check(tmp_path, schema_dir, "C-1;Comuna 1;15/03/2021;3\n", header=header)
    assert findings["columna_faltante"].message == "Falta la columna «Valor del Contrato»."
    assert findings["columna_faltante"].kind == Kind.SCHEMA
    assert "valor_nulo" not in findings  # the missing column is not also reported as empty


def test_unknown_values_give_count_example_and_row(tmp_path, schema_dir):
    body = rows(12, {11: {"comuna": "Comuna 25"}, 12: {"comuna": "Comuna 30"}})
    _, findings = check(tmp_path, schema_dir, body)
    unknown = findings["valor_desconocido"]
    assert (unknown.count, unknown.rows, unknown.column) == (2, [12, 13], "comuna")
    assert unknown.message == "2 filas con «Comuna» desconocida, p. ej. la fila 12."
    assert unknown.for_organismo() == (
        "2 filas con «Comuna» desconocida, p. ej. «Comuna 25» (fila 12)."
    )
    assert unknown.header == "Comuna"


def test_public_wordings_never_quote_a_cell(tmp_path, schema_dir):
    body = rows(4, {2: {"comuna": "Casa de Mery"}, 3: {"valor": "mil pesos"}, 4: {"dias": "x1"}})
    _, findings = check(tmp_path, schema_dir, body)
    for finding in findings.values():
        dumped = str(finding.model_dump(mode="json"))
        assert "Casa de Mery" not in dumped and "mil pesos" not in dumped and "x1" not in dumped
    assert "«mil pesos» (fila 4)" in findings["no_es_numero"].for_organismo()


def test_impossible_dates_and_non_numbers_are_findings_not_nans(tmp_path, schema_dir):
    body = rows(4, {2: {"fecha": "31/02/2021"}, 3: {"valor": "mil pesos"}, 4: {"dias": "3,5"}})
    _typed, findings = check(tmp_path, schema_dir, body)
    assert findings["fecha_imposible"].rows == [3]
    assert "«31/02/2021» (fila 3)" in findings["fecha_imposible"].for_organismo()
    assert findings["fecha_imposible"].message.endswith("p. ej. la fila 3.")
    assert findings["no_es_numero"].rows == [4]
    assert findings["no_es_entero"].message.startswith(
        "1 fila con «Plazo (días)» que no es un número entero"
    )
    assert "valor_nulo" not in findings  # an unconvertible cell is reported once, not twice


def test_range_and_uniqueness_messages(tmp_path, schema_dir):
    body = rows(3, {2: {"valor": "-5", "dias": "400"}, 3: {"numero": "C-1"}})
    _, findings = check(tmp_path, schema_dir, body)
    assert findings["fuera_de_rango"].column in ("valor", "dias")
    ranges = [f for f in findings.values() if f.code == "fuera_de_rango"]
    messages = sorted(f.message for f in ranges)
    assert "fuera del rango permitido (entre 1 y 365)" in messages[0]
    assert findings["valor_repetido"].rows == [2, 4]


def test_headers_match_tolerantly_and_through_aliases(tmp_path, schema_dir):
    header = (
        "NUMERO DE CONTRATO;comuna ;Valor Total;fecha de suscripcion;PLAZO (DIAS);Observaciones\n"
    )
    typed, findings = check(
        tmp_path,
        schema_dir,
        "C-1;Comuna 1;100;01/01/2021;10;nada\n",
        header=header,
        aliases={"valor": ["Valor total"]},
    )
    assert typed.frame["valor"].tolist() == [100.0]
    extra = findings["columna_no_esperada"]
    assert extra.severity == Severity.WARN and extra.column == "Observaciones"


def test_a_header_matching_two_columns_is_a_structure_error(tmp_path, schema_dir):
    header = (
        "Número de Contrato;Comuna;COMUNA;Valor del Contrato;Fecha de Suscripción;Plazo (días)\n"
    )
    _, findings = check(
        tmp_path, schema_dir, "C-1;Comuna 1;Comuna 1;5;01/01/2021;3\n", header=header
    )
    assert findings["columna_duplicada"].kind == Kind.STRUCTURE
