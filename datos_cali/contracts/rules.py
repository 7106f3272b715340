"""Every rule a schema may use, with its parameters: the one list that the schema loader checks
against, `datos-cali catalog checks` prints and the README documents.

pandera drops a parameter it does not know (`column_ge: {column: a, otra: b}` quietly becomes a
rule that never runs) and YAML turns unquoted words into other types; so a schema is checked
here before pandera sees it: unknown rules, unknown or missing parameters, and values whose type
does not fit the column (`isin: [1, 2]` on a text column, where the file holds «01» and «02»)
are errors that name the column and the accepted parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

KIND_TEXT, KIND_NUMBER, KIND_ANY = "texto", "número", "cualquiera"


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # value: same type as the column · list: a list of such values · number · integer ·
    #            boolean · text · pattern · column (another column of the schema)
    description: str
    required: bool = True


@dataclass(frozen=True)
class Rule:
    name: str
    level: str  # "column" (a key under a column) or "table" (under the schema's `checks:`)
    description: str  # Spanish, for people
    parameters: tuple[Parameter, ...]
    applies_to: str = KIND_ANY  # texto, número or cualquiera
    custom: bool = False  # registered by the project (datos_cali.contracts.checks)
    at_least_one: bool = False  # every parameter optional, but one must be given

    @property
    def unary(self) -> Parameter | None:
        """The parameter a bare value fills (`isin: [a, b]`), when the rule has just one."""
        required = [p for p in self.parameters if p.required]
        if len(self.parameters) == 1:
            return self.parameters[0]
        return required[0] if len(required) == 1 and not self.at_least_one else None

    def example(self) -> str:
        if self.unary and len(self.parameters) == 1:
            return f"{self.name}: {_EXAMPLES.get(self.name, '…')}"
        return f"{self.name}: {_EXAMPLES.get(self.name, '{…}')}"


_VALUE = "value"
_LIST = "list"

RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "isin",
            "column",
            "el valor es uno de una lista",
            (Parameter("allowed_values", _LIST, "los valores permitidos"),),
        ),
        Rule(
            "notin",
            "column",
            "el valor no es ninguno de una lista",
            (Parameter("forbidden_values", _LIST, "los valores prohibidos"),),
        ),
        Rule(
            "equal_to",
            "column",
            "el valor es igual a uno dado",
            (Parameter("value", _VALUE, "el valor"),),
        ),
        Rule(
            "not_equal_to",
            "column",
            "el valor es distinto de uno dado",
            (Parameter("value", _VALUE, "el valor"),),
        ),
        Rule(
            "greater_than",
            "column",
            "el valor es mayor que un mínimo",
            (Parameter("min_value", _VALUE, "el mínimo (excluido)"),),
        ),
        Rule(
            "greater_than_or_equal_to",
            "column",
            "el valor es mayor o igual a un mínimo",
            (Parameter("min_value", _VALUE, "el mínimo (incluido)"),),
        ),
        Rule(
            "less_than",
            "column",
            "el valor es menor que un máximo",
            (Parameter("max_value", _VALUE, "el máximo (excluido)"),),
        ),
        Rule(
            "less_than_or_equal_to",
            "column",
            "el valor es menor o igual a un máximo",
            (Parameter("max_value", _VALUE, "el máximo (incluido)"),),
        ),
        Rule(
            "in_range",
            "column",
            "el valor está entre un mínimo y un máximo",
            (
                Parameter("min_value", _VALUE, "el mínimo"),
                Parameter("max_value", _VALUE, "el máximo"),
                Parameter("include_min", "boolean", "si el mínimo vale (true)", False),
                Parameter("include_max", "boolean", "si el máximo vale (true)", False),
            ),
        ),
        Rule(
            "str_matches",
            "column",
            "el texto cumple una expresión regular desde el comienzo",
            (Parameter("pattern", "pattern", "la expresión regular"),),
            KIND_TEXT,
        ),
        Rule(
            "str_contains",
            "column",
            "el texto contiene una expresión regular",
            (Parameter("pattern", "pattern", "la expresión regular"),),
            KIND_TEXT,
        ),
        Rule(
            "str_startswith",
            "column",
            "el texto empieza por un prefijo",
            (Parameter("string", "text", "el prefijo"),),
            KIND_TEXT,
        ),
        Rule(
            "str_endswith",
            "column",
            "el texto termina en un sufijo",
            (Parameter("string", "text", "el sufijo"),),
            KIND_TEXT,
        ),
        Rule(
            "str_length",
            "column",
            "el texto tiene una longitud permitida",
            (
                Parameter("min_value", "integer", "longitud mínima", False),
                Parameter("max_value", "integer", "longitud máxima", False),
                Parameter("exact_value", "integer", "longitud exacta", False),
            ),
            KIND_TEXT,
            at_least_one=True,
        ),
        Rule(
            "comuna_cali",
            "column",
            "comuna de Cali (y, con rural, corregimiento), sin distinguir mayúsculas ni tildes",
            (Parameter("rural", "boolean", "si también acepta los 15 corregimientos"),),
            KIND_TEXT,
            custom=True,
        ),
        Rule(
            "not_in_future",
            "column",
            "fecha no posterior a hoy",
            (Parameter("tolerance_days", "integer", "días de tolerancia después de hoy"),),
            custom=True,
        ),
        Rule(
            "document_number",
            "table",
            "número de documento válido según su tipo (NIT con dígito de verificación, CC)",
            (
                Parameter("type_column", "column", "la columna del tipo de documento"),
                Parameter("number_column", "column", "la columna del número"),
            ),
            custom=True,
        ),
        Rule(
            "column_ge",
            "table",
            "una columna no menor que otra (p. ej. fecha de fin ≥ fecha de inicio)",
            (
                Parameter("column", "column", "la columna que debe ser mayor o igual"),
                Parameter("other", "column", "la columna con que se compara"),
            ),
            custom=True,
        ),
    )
}

_EXAMPLES = {
    "isin": "[Activo, Inactivo]",
    "notin": "[N/A]",
    "equal_to": "MUERTOS",
    "not_equal_to": "0",
    "greater_than": "0",
    "greater_than_or_equal_to": "0",
    "less_than": "100",
    "less_than_or_equal_to": "100",
    "in_range": "{min_value: 0, max_value: 100}",
    "str_matches": "'^[0-9]{4}$'",
    "str_contains": "'Cali'",
    "str_startswith": "BP",
    "str_endswith": "-2024",
    "str_length": "{min_value: 1, max_value: 200}",
    "comuna_cali": "{rural: true}",
    "not_in_future": "{tolerance_days: 1}",
    "document_number": "{type_column: tipo_documento, number_column: numero_documento}",
    "column_ge": "{column: fecha_fin, other: fecha_inicio}",
}

SPANISH_NAMES = {name: rule.description for name, rule in RULES.items()}


def rules(level: str | None = None) -> list[Rule]:
    return [rule for rule in RULES.values() if level is None or rule.level == level]


# --- checking a schema before pandera reads it -------------------------------------------------


@dataclass(frozen=True)
class RuleProblem:
    location: tuple[str, ...]  # key path in the schema file (for its line)
    message: str


def column_kind(dtype: object) -> str | None:
    """texto / número / None (dates, booleans: values are not compared by type here)."""
    text = str(dtype)
    if text.startswith("string"):
        return KIND_TEXT
    if text.startswith(("int", "double", "float")):
        return KIND_NUMBER
    return None


def check_rule(
    name: str,
    value: object,
    *,
    level: str,
    where: str,
    location: tuple[str, ...],
    kind: str | None = None,
    columns: frozenset[str] = frozenset(),
) -> Iterator[RuleProblem]:
    """Problems with one rule as written: `where` names it for people («la columna «x»»)."""
    rule = RULES.get(name)
    if rule is None or rule.level != level:
        known = ", ".join(r.name for r in rules(level))
        yield RuleProblem(
            location, f"{where} usa la regla desconocida «{name}»; reglas posibles: {known}"
        )
        return
    if rule.applies_to == KIND_TEXT and kind == KIND_NUMBER:
        yield RuleProblem(location, f"{where}: la regla «{name}» es para columnas de texto")
    accepted = ", ".join(p.name for p in rule.parameters)
    given = _given(rule, value)
    if given is None:
        yield RuleProblem(
            location,
            f"{where}: la regla «{name}» necesita sus parámetros por nombre ({accepted}), "
            f"p. ej. {rule.example()}",
        )
        return
    for key in given:
        if key not in {p.name for p in rule.parameters}:
            yield RuleProblem(
                (*location, key),
                f"{where}: la regla «{name}» no tiene el parámetro «{key}»; "
                f"parámetros aceptados: {accepted}",
            )
    missing = [p.name for p in rule.parameters if p.required and p.name not in given]
    if missing:
        yield RuleProblem(
            location,
            f"{where}: a la regla «{name}» le falta {', '.join(f'«{m}»' for m in missing)}; "
            f"parámetros aceptados: {accepted}",
        )
    if rule.at_least_one and not set(given) & {p.name for p in rule.parameters}:
        yield RuleProblem(
            location, f"{where}: la regla «{name}» necesita al menos uno de: {accepted}"
        )
    for parameter in rule.parameters:
        if parameter.name in given:
            for message in _type_problems(parameter, given[parameter.name], kind, columns):
                yield RuleProblem(
                    (*location, parameter.name) if isinstance(value, dict) else location,
                    f"{where}, regla «{name}», «{parameter.name}»: {message}",
                )


def _given(rule: Rule, value: object) -> dict | None:
    if isinstance(value, dict):
        given = {k: v for k, v in value.items() if k != "options"}
        if set(given) == {"value"} and rule.unary and rule.unary.name != "value":
            return {rule.unary.name: given["value"]}
        return given
    return {rule.unary.name: value} if rule.unary else None


def _type_problems(
    parameter: Parameter, value: object, kind: str | None, columns: frozenset[str]
) -> Iterator[str]:
    if parameter.kind == _LIST:
        if not isinstance(value, list):
            yield "debe ser una lista, p. ej. [A, B]"
            return
        for item in value:
            yield from _value_problems(item, kind)
    elif parameter.kind == _VALUE:
        yield from _value_problems(value, kind)
    elif parameter.kind == "boolean" and not isinstance(value, bool):
        yield f"debe ser true o false (sin comillas); se escribió {value!r}"
    elif parameter.kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        yield f"debe ser un número entero; se escribió {value!r}"
    elif parameter.kind in ("text", "pattern") and not isinstance(value, str):
        yield f"debe ser texto; se escribió {value!r}: escríbalo entre comillas"
    elif parameter.kind == "pattern":
        try:
            re.compile(value)
        except re.error as exc:
            yield f"la expresión regular {value!r} no es válida ({exc})"
    elif parameter.kind == "column" and value not in columns:
        known = ", ".join(sorted(columns))
        yield f"«{value}» no es una columna del esquema (columnas: {known})"


def _value_problems(value: object, kind: str | None) -> Iterator[str]:
    if kind == KIND_TEXT and not isinstance(value, str):
        yield (
            f"la columna es de texto y el valor {_as_written(value)} se leyó como "
            f"{_type_word(value)}: escríbalo entre comillas, p. ej. '{_as_written(value)}'"
        )
    elif kind == KIND_NUMBER and (isinstance(value, bool) or not isinstance(value, int | float)):
        yield f"la columna es numérica y el valor {value!r} no es un número"


def _type_word(value: object) -> str:
    if isinstance(value, bool):
        return "booleano"
    if isinstance(value, int | float):
        return "número"
    return type(value).__name__


def _as_written(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
