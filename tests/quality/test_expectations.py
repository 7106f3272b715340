"""The GX suite is generated from the pandera contract, and runs with Data Docs for auditors."""

import datetime as dt
import subprocess
import sys

import pandas as pd
import pyarrow as pa

from datos_cali.catalog.models import Dataset
from datos_cali.contracts.checks import CALI_COMUNAS
from datos_cali.quality.expectations import run_expectations, suite_spec
from tests.quality.builders import base_dataset, write_contract

TODAY = dt.date(2024, 6, 30)


def contract_with_every_rule(tmp_path):
    return write_contract(
        tmp_path,
        {
            "codigo": "text",
            "comuna": "text",
            "tipo": "text",
            "valor": "number",
            "avance": "number",
            "nombre": "text",
            "inicio": "date",
            "fin": "date",
        },
        rules={
            "codigo": {"unique": True, "str_matches": "[A-Z]{2}-[0-9]{3}$"},
            "comuna": {"comuna_cali": {"rural": False}},
            "tipo": {"isin": ["A", "B"]},
            "valor": {"greater_than": 0, "nullable": True},
            "avance": {"in_range": {"min_value": 0, "max_value": 100, "include_max": False}},
            "nombre": {"str_length": {"min_value": 2, "max_value": 40}},
            "fin": {"not_in_future": {"tolerance_days": 1}},
        },
        schema={
            "unique": ["tipo", "comuna"],
            "checks": {
                "column_ge": {"column": "fin", "other": "inicio"},
                "document_number": {"type_column": "tipo", "number_column": "codigo"},
            },
        },
    )


def test_every_contract_rule_becomes_an_expectation_or_is_recorded(tmp_path):
    contract = contract_with_every_rule(tmp_path)
    dataset = Dataset.model_validate(base_dataset(list(contract.columns)))
    spec = suite_spec(contract, dataset, today=TODAY)
    by_source = {e.source: (e.type, e.kwargs) for e in spec.expectations}
    assert by_source["codigo.dtype"] == (
        "expect_column_values_to_be_of_type",
        {"column": "codigo", "type_": "str"},
    )
    assert by_source["codigo.unique"][0] == "expect_column_values_to_be_unique"
    assert by_source["codigo.nullable"][0] == "expect_column_values_to_not_be_null"
    assert "valor.nullable" not in by_source  # nullable: true has no expectation
    assert by_source["codigo.str_matches"][1]["regex"] == "^(?:[A-Z]{2}-[0-9]{3}$)"
    assert by_source["comuna.comuna_cali"][1]["value_set"] == CALI_COMUNAS
    assert by_source["tipo.isin"][1]["value_set"] == ["A", "B"]
    assert by_source["valor.greater_than"][1] == {
        "column": "valor",
        "min_value": 0,
        "strict_min": True,
    }
    assert by_source["avance.in_range"][1] == {
        "column": "avance",
        "min_value": 0,
        "max_value": 100,
        "strict_min": False,
        "strict_max": True,
    }
    assert by_source["nombre.str_length"] == (
        "expect_column_value_lengths_to_be_between",
        {"column": "nombre", "min_value": 2, "max_value": 40},
    )
    assert by_source["fin.not_in_future"][1]["max_value"] == dt.date(2024, 7, 1)
    assert by_source["schema.unique"] == (
        "expect_compound_columns_to_be_unique",
        {"column_list": ["tipo", "comuna"]},
    )
    assert by_source["schema.column_ge"][0] == "expect_column_pair_values_a_to_be_greater_than_b"
    skipped = {s["source"] for s in spec.skipped}
    assert skipped == {"inicio.dtype", "fin.dtype", "schema.document_number"}
    assert spec.meta()["omitidas"] == spec.skipped


def test_importing_the_module_does_not_import_great_expectations():
    code = "import sys, datos_cali.quality.expectations\nprint('great_expectations' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_run_with_one_failing_and_one_passing_expectation(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    contract = write_contract(
        tmp_path / "schemas",
        {"id": "text", "valor": "number"},
        rules={"id": {"unique": True}, "valor": {"greater_than_or_equal_to": 0}},
    )
    dataset = Dataset.model_validate(base_dataset(["id", "valor"], row_identifier="id"))
    frame = pd.DataFrame(
        {
            "id": pd.array(["R-1", "R-2", "R-3"], dtype=pd.StringDtype("pyarrow")),
            "valor": pd.array([1.5, -2.0, 3.0], dtype=pd.ArrowDtype(pa.float64())),
        }
    )
    report = run_expectations(frame, contract, dataset, tmp_path / "reports" / "gx")
    assert report.docs_index.exists()
    assert report.docs_index == (tmp_path / "reports" / "gx" / "index.html").resolve()
    assert not home.exists()  # an ephemeral context: nothing under the user's home
    failing = [r for r in report.results if not r["success"]]
    assert [(r["type"], r["column"], r["unexpected_count"]) for r in failing] == [
        ("expect_column_values_to_be_between", "valor", 1)
    ]
    assert report.unsuccessful == 1 and report.successful == report.evaluated - 1
    assert report.summary()["unexpected_counts"]["expect_column_values_to_be_unique:id"] == 0
    # A text column is in the suite: the Data Docs (copied to the public report site) keep no
    # example values, and GX then keeps no row ids either (the contract's findings name them).
    assert report.values_hidden and failing[0]["unexpected_index"] == []
    validations = list((tmp_path / "reports" / "gx" / "validations").rglob("*.html"))
    assert len(validations) == 1 and "Unsuccessful Expectations" in validations[0].read_text(
        "utf-8"
    )


def test_values_of_personal_columns_stay_out_of_the_data_docs(tmp_path):
    contract = write_contract(
        tmp_path / "schemas",
        {"documento": "text"},
        rules={"documento": {"str_length": {"max_value": 8}}},
    )
    dataset = Dataset.model_validate(base_dataset(["documento"]))
    frame = pd.DataFrame({"documento": pd.array(["1144123456"], dtype=pd.StringDtype("pyarrow"))})
    report = run_expectations(
        frame, contract, dataset, tmp_path / "gx", row_numbers=[2], hidden_columns={"documento"}
    )
    assert report.values_hidden and report.unsuccessful == 1
    pages = "".join(p.read_text("utf-8") for p in (tmp_path / "gx").rglob("*.html"))
    assert "1144123456" not in pages


def test_without_a_row_identifier_the_file_row_is_the_index(tmp_path):
    contract = write_contract(
        tmp_path / "schemas", {"valor": "number"}, rules={"valor": {"greater_than": 0}}
    )
    dataset = Dataset.model_validate(base_dataset(["valor"]))
    frame = pd.DataFrame({"valor": pd.array([1.0, -7.0, 2.0], dtype=pd.ArrowDtype(pa.float64()))})
    report = run_expectations(frame, contract, dataset, tmp_path / "gx", row_numbers=[2, 3, 4])
    (result,) = [r for r in report.results if not r["success"]]
    assert result["unexpected_index"] == [3] and not report.values_hidden


def test_text_values_never_reach_the_data_docs(tmp_path):
    contract = write_contract(
        tmp_path / "schemas", {"tipo": "text"}, rules={"tipo": {"isin": ["A", "B"]}}
    )
    dataset = Dataset.model_validate(base_dataset(["tipo"]))
    secret = "Casa de Mery Gómez"
    frame = pd.DataFrame({"tipo": pd.array(["A", secret, "B"], dtype=pd.StringDtype("pyarrow"))})
    report = run_expectations(frame, contract, dataset, tmp_path / "gx", row_numbers=[2, 3, 4])
    assert report.values_hidden and report.unsuccessful == 1
    pages = [p.read_text("utf-8") for p in (tmp_path / "gx").rglob("*.html")]
    assert pages and not any(secret in page or "Mery" in page for page in pages)
