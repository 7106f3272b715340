"""Docs are tested: every CLI command has help text and an entry in the README."""

import re

import typer.main

from datos_cali.cli.app import app


def command_paths(group=None, prefix=()):
    click_group = typer.main.get_command(app) if group is None else group
    for name, command in click_group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from command_paths(command, path)
        else:
            yield path, command


def test_every_command_has_spanish_help():
    for path, command in command_paths():
        assert command.help and len(command.help.strip()) > 15, path
        for param in command.params:
            if param.name != "help" and getattr(param, "help", None) is not None:
                assert param.help.strip(), (path, param.name)


def test_every_command_is_in_the_readme(project_root):
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    missing = [" ".join(p) for p, _ in command_paths() if f"datos-cali {' '.join(p)}" not in readme]
    assert missing == []


def test_readme_starts_with_the_two_commands(project_root):
    head = (project_root / "README.md").read_text(encoding="utf-8")[:1500]
    assert "make run" in head and "make test" in head


def test_every_test_the_readme_cites_exists(project_root):
    """The «Garantías» table names the test behind each promise; a moved test must move there."""
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    missing = []
    for line in readme.splitlines():
        files = re.findall(r"`(tests/[\w/]+\.py)", line)
        for path in files:
            if not (project_root / path).is_file():
                missing.append(path)
        # `file::test` and the shorthand `::test` (same file as the previous citation)
        cited = re.findall(r"`(tests/[\w/]+\.py)?::(\w+)`", line)
        current = None
        for path, name in cited:
            current = path or current
            source = (project_root / current).read_text(encoding="utf-8") if current else ""
            if f"def {name}(" not in source:
                missing.append(f"{current}::{name}")
    assert missing == []
