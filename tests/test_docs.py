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


PREFIXES = r"(?:DATOS_CALI|SOCRATA|CKAN)_[A-Z0-9_]+"
# Python reads a variable by its name as a string literal (a constant like CKAN_TOKEN_LINE is
# not one); unit and environment files set `NAME=value` (commented-out examples included).
READS = {
    ".py": re.compile(rf"""["']({PREFIXES})["']"""),
    ".service": re.compile(rf"(?:^|[=#\s])({PREFIXES})=", re.MULTILINE),
    ".example": re.compile(rf"^#?({PREFIXES})=", re.MULTILINE),
}
CODE_READING_THE_ENVIRONMENT = ("datos_cali", "flows", "ops")


def variables_read(project_root) -> dict[str, str]:
    """{name: first file that reads or sets it}."""
    found: dict[str, str] = {}
    for folder in CODE_READING_THE_ENVIRONMENT:
        for path in sorted((project_root / folder).rglob("*")):
            pattern = READS.get(path.suffix)
            if pattern is None or not path.is_file():
                continue
            for name in pattern.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, str(path.relative_to(project_root)))
    return found


def environment_table(readme: str) -> set[str]:
    """The names in the first column of the README's «Environment variables» table."""
    section = readme.split("\n## Environment variables\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row.split("|")[1])}


def test_every_environment_variable_the_code_reads_is_in_the_readme_table(project_root):
    documented = environment_table((project_root / "README.md").read_text(encoding="utf-8"))
    read = variables_read(project_root)
    assert {"DATOS_CALI_HOME", "SOCRATA_SCHEME", "CKAN_API_TOKEN"} <= set(read)  # grep works
    assert "CKAN_TOKEN_LINE" not in read  # a Python constant, not a variable
    missing = {name: where for name, where in read.items() if name not in documented}
    assert missing == {}


def test_the_readme_table_names_no_variable_nothing_reads(project_root):
    documented = environment_table((project_root / "README.md").read_text(encoding="utf-8"))
    assert documented - set(variables_read(project_root)) == set()
