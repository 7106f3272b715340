"""The CLI answers in Spanish: click's and typer's own words, help layout, errors; and every
message the project prints is written with its accents and with plurals that agree."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from datos_cali.cli import language

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "datos_cali"
ENGLISH = (
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "Show this message",
    "Missing",
    "Try '",
    "for help",
    "required",
    "default:",
    "<bool>",
    "<str>",
    "<path>",
    "<int>",
    "TEXT",
    "INTEGER",
    "PATH",
    "[OPTIONS]",
    "COMMAND",
)
# Words people read that lose their meaning or look careless without their accent.
UNACCENTED = re.compile(
    r"\b(titulo|anio|anios|valido|valida|validos|dias|actualizacion|estandar|estandares|"
    r"publicacion|informacion|codigo|numero|numeros|categoria|descripcion|ultima|ultimo|"
    r"periodo de tiempo|vacio|vacia|columnas vacias|metodo|tamano|contrasena|sesion)\b",
    re.IGNORECASE,
)
# «1 problemas», «1 celdas», «1 filas»: a one with a plural noun.
ONE_PLURAL = re.compile(r"(?<![\d.,])\b1 (?!vez\b)([a-záéíóúñ]{3,}s)\b", re.IGNORECASE)
SINGULAR_ENDING_IN_S = {"mes", "anális", "análisis", "país", "tesis", "crisis", "lunes", "martes"}
# «{count} filas»: reads «1 filas» when the count is one. A sentence that counts is a
# (singular, plural) pair of constants chosen with `datos_cali.spanish.agree`.
COUNTED = re.compile(
    r"{[a-z_]*(?::[^}]*)?} (filas|celdas|columnas|problemas|conjuntos|ejecuciones|veces|páginas|"
    r"valores|informes|errores|advertencias|hallazgos|lecturas|visitas|descargas|días|meses|"
    r"años|archivos|registros|formas|nuevos|actualizados|comprometidos|publicados|reinicios)\b"
)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "datos-cali"), *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LANGUAGE": "en"},
        cwd=ROOT,
        timeout=60,
    )


def assert_spanish(text: str) -> None:
    found = [word for word in ENGLISH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    assert not found, f"English in the CLI output: {found}\n{text}"


def test_the_main_help_is_spanish_even_on_an_english_machine():
    result = cli("--help")
    assert result.returncode == 0
    assert_spanish(result.stdout)
    assert result.stdout.startswith("Uso: datos-cali [OPCIONES] COMANDO [ARGUMENTOS]...")
    assert "Mostrar esta ayuda y salir." in result.stdout
    assert "Comandos:" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ("validate", "--help"),
        ("run", "--help"),
        ("usage", "report", "--help"),
        ("report", "build", "--help"),
        ("portal", "serve", "--help"),
    ],
)
def test_every_subcommand_help_is_spanish(command):
    result = cli(*command)
    assert result.returncode == 0, result.stderr
    assert_spanish(result.stdout)
    assert "Opciones:" in result.stdout


def test_a_missing_argument_and_a_missing_option_are_told_in_spanish():
    missing_file = cli("validate")
    assert missing_file.returncode == 2
    assert_spanish(missing_file.stderr)
    assert "Error: Falta el argumento" in missing_file.stderr
    assert "Pruebe «datos-cali validate --help» para ver la ayuda." in missing_file.stderr
    missing_option = cli("validate", "archivo.csv")
    assert "Error: Falta la opción '--dataset'" in missing_option.stderr
    assert_spanish(missing_option.stderr)


def test_a_bad_value_and_a_misspelt_option_are_told_in_spanish():
    bad_year = cli("usage", "report", "--year", "dos mil")
    assert "Valor no válido para '--year': 'dos mil' no es un número válido." in bad_year.stderr
    misspelt = cli("run", "--al")
    assert "No existe la opción '--al'." in misspelt.stderr
    assert "¿Quiso decir" in misspelt.stderr
    assert_spanish(misspelt.stderr)


def test_values_are_named_in_spanish_in_the_help():
    assert "--year AÑO" in cli("usage", "report", "--help").stdout
    assert "--out CARPETA" in cli("report", "build", "--help").stdout


def test_the_compiled_catalog_is_the_one_in_the_po_file():
    folder = language.LOCALE_DIR / "es" / "LC_MESSAGES"
    with (folder / f"{language.DOMAIN}.po").open("rb") as handle:
        source = read_po(handle)
    with (folder / f"{language.DOMAIN}.mo").open("rb") as handle:
        compiled = read_mo(handle)

    def entries(catalog):
        return {_hashable(m.id): _hashable(m.string) for m in catalog if m.id}

    wanted, have = entries(source), entries(compiled)
    assert have == wanted, "run `make translations` after editing the .po"


def _hashable(value):
    return tuple(value) if isinstance(value, list | tuple) else value


# --- every message the project writes ---------------------------------------------------------


def _constants() -> list[tuple[str, str, str]]:
    """(where, text, form) for every module-level string constant of the package and every
    template it renders; `form` is «singular» or «plural» for the members of a pair."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign):
                targets = [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if names and any(n.isupper() for n in names) and node.value is not None:
                where = f"{path.relative_to(ROOT)}:{names[0]}"
                found += [(where, text, form) for text, form in _sentences(node.value)]
    templates = resources.files("datos_cali.reportsite") / "templates"
    for template in sorted(templates.iterdir(), key=lambda t: t.name):
        if template.name.endswith(".html"):
            found.append((f"templates/{template.name}", template.read_text("utf-8"), "one"))
    return found


def _sentences(node: ast.AST) -> list[tuple[str, str]]:
    if isinstance(node, ast.Tuple) and len(node.elts) == 2:
        forms = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if len(forms) == 2 and all(isinstance(f, str) for f in forms):
            return [(forms[0], "singular"), (forms[1], "plural")]
    return [
        (value.value, "one")
        for value in ast.walk(node)
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and " " in value.value
    ]


def _texts() -> list[tuple[str, str]]:
    return [(where, _words(text)) for where, text, _ in _constants()]


def _words(text: str) -> str:
    """What a person reads: no Jinja code, format fields, markup, identifiers or `code`."""
    text = re.sub(r"{[{%#].*?[}%#]}|{[a-z_]*(![rs])?(:[^}]*)?}", " ", text, flags=re.S)
    return re.sub(r"[\w.-]*_[\w.-]*|`[^`]*`|<[^>]*>", " ", text)


def test_there_are_messages_to_check():
    assert len(_texts()) > 200


def test_no_message_loses_its_accents():
    slips = [
        (where, match.group(0)) for where, text in _texts() for match in UNACCENTED.finditer(text)
    ]
    assert not slips, slips


def test_no_message_puts_a_plural_after_one():
    slips = [
        (where, match.group(0))
        for where, text in _texts()
        for match in ONE_PLURAL.finditer(text)
        if match.group(1).lower() not in SINGULAR_ENDING_IN_S
    ]
    assert not slips, slips


def test_a_sentence_that_counts_has_a_singular_form():
    slips = [
        (where, match.group(0))
        for where, text, form in _constants()
        if form != "plural"
        for match in COUNTED.finditer(text)
    ]
    assert not slips, slips
