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


def test_the_readme_layout_names_every_package_and_module(project_root):
    """A new package (or top-level module) of the library gets its line in «Layout»."""
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("```", 2)[1]
    named = {line.split()[0] for line in layout.splitlines() if line.startswith("  ")}
    library = project_root / "datos_cali"
    parts = {p.name + "/" for p in library.iterdir() if (p / "__init__.py").is_file()}
    parts |= {p.name for p in library.glob("*.py") if p.name != "__init__.py"}
    assert sorted(parts - named) == []
    assert sorted(named - parts) == []  # and nothing that no longer exists


def test_extending_names_files_that_exist(project_root):
    """docs/extending.md tells the next engineer which files to touch: they must be there."""
    guide = (project_root / "docs" / "extending.md").read_text(encoding="utf-8")
    cited = set(
        re.findall(r"`((?:datos_cali|flows|tests|quality|datasets|schemas)/[\w/.-]+)`", guide)
    )
    assert cited, "the guide names no file"
    missing = sorted(c for c in cited if not (project_root / c.rstrip("/")).exists())
    assert missing == []
