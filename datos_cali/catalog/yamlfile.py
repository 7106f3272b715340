"""YAML as the office writes it: YAML 1.2 scalars, the line of every key, errors that point.

PyYAML reads YAML 1.1, where `NO`, `SI`… no, `no`, `yes`, `on` and `off` are booleans and `010` is
eight: `isin: [SI, NO]` would silently become `['SI', False]`. Catalog, schema and quality files
are read with YAML 1.2's core scalars instead — only `true`/`false` are booleans, numbers are
decimal — so a word stays the word that was written. Every mapping key keeps its line, so a
problem found later (pydantic, the contract checks) can say where it is, and a file that does
not parse says which line and, when the cause is the usual one (an unquoted text with «: » or
«, »), how to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from datos_cali import messages

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core booleans and numbers."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
        r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
    ),
    list("-+0123456789."),
)

Path_ = tuple[str, ...]


class YamlError(Exception):
    """A file that is not valid YAML; `str()` is the Spanish sentence with file and line."""

    def __init__(self, path: Path, line: int | None, reason: str, hint: str | None = None):
        self.path, self.line, self.reason, self.hint = path, line, reason, hint
        super().__init__(where(path, line) + ": " + reason + (f" {hint}" if hint else ""))


@dataclass
class YamlDocument:
    path: Path
    data: object
    lines: dict[Path_, int] = field(default_factory=dict)  # key path → line of the key (1-based)
    text: list[str] = field(default_factory=list)

    def line_of(self, location) -> int | None:
        """The line of the deepest part of `location` (a key path) the file has."""
        parts = tuple(str(part) for part in location)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return None

    def hint_near(self, line: int | None) -> str | None:
        """The quoting hint when the line, or the one before it, holds an unquoted text with
        «: » or «, » (a description that became keys)."""
        if line is None:
            return None
        for number in (line, line - 1):
            if 1 <= number <= len(self.text) and unquoted_separator(self.text[number - 1]):
                return messages.YAML_QUOTE_HINT
        return None


def where(path: Path, line: int | None) -> str:
    return f"{path}, línea {line}" if line else str(path)


def read_yaml(path: Path) -> YamlDocument:
    """Parse `path`; raises `YamlError` (file, line, hint) when it is not valid YAML."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(path, None, messages.YAML_UNREADABLE.format(reason=exc)) from None
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path) -> YamlDocument:
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        lines = text.splitlines()
        hint = None
        if line is not None:
            nearby = lines[max(0, line - 2) : line]
            if any(unquoted_separator(candidate) for candidate in nearby):
                hint = messages.YAML_QUOTE_HINT
        problem = getattr(exc, "problem", None) or str(exc)
        problem = next((es for en, es in _PROBLEMS.items() if problem.startswith(en)), problem)
        raise YamlError(path, line, messages.YAML_MALFORMED.format(problem=problem), hint) from None
    finally:
        loader.dispose()
    document = YamlDocument(path, data, text=text.splitlines())
    if node is not None:
        _record_lines(node, (), document.lines)
    return document


# PyYAML's usual complaints, said in Spanish (the others are shown as PyYAML wrote them).
_PROBLEMS = {
    "mapping values are not allowed here": "un «: » donde no puede empezar una clave",
    "could not find expected ':'": "falta «:» después de una clave",
    "found character '\\t' that cannot start any token": "hay un tabulador: use espacios",
    "found unexpected end of stream": "el archivo termina antes de cerrar comillas o corchetes",
    "expected ',' or '}', but got": "un «{…}» sin cerrar o con una coma de más",
    "expected ',' or ']', but got": "un «[…]» sin cerrar o con una coma de más",
    "found duplicate anchor": "un ancla repetida",
    "did not find expected key": "la sangría no corresponde a ninguna clave",
    "did not find expected '-' indicator": "la sangría de la lista no corresponde",
    "found unknown escape character": "una secuencia de escape desconocida entre comillas dobles",
}


def _record_lines(node: yaml.Node, prefix: Path_, lines: dict[Path_, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, str(key.value))
            lines.setdefault(path, key.start_mark.line + 1)
            _record_lines(value, path, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = (*prefix, str(index))
            lines.setdefault(path, item.start_mark.line + 1)
            _record_lines(item, path, lines)


# A value that is plain text (not quoted, not a list or map) and holds «: » or «, »: in block
# style «: » starts a new key, and inside `{…}` a comma ends the value.
_FLOW_VALUE = re.compile(r"\{\s*[\w-]+\s*:\s*(?P<value>[^\"'{\[].*)\}")
_BLOCK_VALUE = re.compile(r"^\s*(?:-\s+)?[\w.-]+\s*:\s+(?P<value>[^\"'{\[|>&*!#].*)$")


def unquoted_separator(line: str) -> bool:
    text = line.split(" #", 1)[0].rstrip()
    flow = _FLOW_VALUE.search(text)
    if flow and re.search(r"(?:,|:)\s", flow.group("value")):
        return True
    block = _BLOCK_VALUE.match(text)
    return bool(block and re.search(r":\s|:$", block.group("value")))
