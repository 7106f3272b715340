"""The pre-check's human output: kinds of finding in Spanish words, near misses suggested."""

from __future__ import annotations

from tests.pipeline.conftest import IMAE


def test_kinds_are_spanish_words_and_a_renamed_column_gets_a_suggestion(cli, tmp_path):
    text = IMAE.read_bytes().decode("cp1252")
    renamed = text.replace("Índice (2015=100)", "Índice (2015=10)", 1)
    assert renamed != text
    path = tmp_path / "IMAE.csv"
    path.write_bytes(renamed.encode("cp1252"))
    result = cli("validate", path, "--dataset", "indice-mensual-actividad-economica")
    assert result.exit_code == 1
    assert "Contrato del conjunto" in result.stdout and "│ schema" not in result.stdout
    assert "¿Quiso decir «Índice (2015=10)»?" in result.stdout


def test_a_mistyped_dataset_gets_a_suggestion(cli, tmp_path):
    path = tmp_path / "IMAE.csv"
    path.write_bytes(IMAE.read_bytes())
    result = cli("validate", path, "--dataset", "indice-mensual-actividad")
    assert result.exit_code == 2
    assert "¿Quiso decir «indice-mensual-actividad-economica»?" in result.stderr
