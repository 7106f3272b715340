"""`datos-cali run CONJUNTO --permitir-anterior` (issue 18): the office's override is for one named
dataset only; its effect on a run is tested in tests/sources/test_inbox_integrity.py."""

from __future__ import annotations


def test_the_override_needs_exactly_one_named_dataset(cli):
    for args in (
        ["--all"],
        ["--due"],
        ["vacunacion-covid19", "indice-mensual-actividad-economica"],
    ):
        result = cli("run", *args, "--permitir-anterior")
        assert result.exit_code == 2
        assert "--permitir-anterior se usa con un solo conjunto" in result.stderr


def test_the_override_has_spanish_help(cli):
    result = cli("run", "--help")
    assert (
        "--permitir-anterior" in result.stdout and "anterior al último publicado" in result.stdout
    )
