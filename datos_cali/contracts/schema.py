"""Load `schemas/<name>.yaml` (pandera's YAML format) into a `Contract` the engine can use.

Only the dtypes the reader can produce are allowed, so a schema cannot promise a type that no
submission could ever satisfy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from datos_cali import messages
from datos_cali.catalog.yamlfile import YamlDocument, YamlError, read_yaml, where
from datos_cali.contracts import checks as _registered_checks  # noqa: F401  (registers checks)
from datos_cali.contracts.rules import RULES, check_rule, column_kind

KINDS = {
    "string[pyarrow]": "text",
    "int64[pyarrow]": "integer",
    "double[pyarrow]": "number",
    "bool[pyarrow]": "boolean",
    "date32[day][pyarrow]": "date",
    "datetime64[ns]": "datetime",
}


class ContractError(Exception):
    """A schema file that cannot be used; the message is for people.

    `problems` holds each problem with the line of the schema file it is on, so `catalog check`
    can list them one by one; `str()` is one sentence naming the schema and its file."""

    def __init__(self, name: str, path: Path, problems: list[tuple[int | None, str]]):
        self.name, self.path, self.problems = name, path, problems
        reasons = "; ".join(f"{where(path, line)}: {message}" for line, message in problems)
        super().__init__(messages.SCHEMA_INVALID.format(name=name, reason=reasons))


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # ASCII snake_case field name, as published
    title: str  # the header people write in the file
    kind: str  # one of KINDS' values
    nullable: bool
    required: bool
    unique: bool
    description: str | None


@dataclass(frozen=True)
class Contract:
    name: str
    path: Path
    schema: object  # pandera DataFrameSchema (typed loosely: pandera is imported lazily)
    columns: dict[str, ColumnSpec]

    def title(self, column: str | None) -> str:
        spec = self.columns.get(column or "")
        return spec.title if spec else (column or "")


def load_contract(name: str, schemas_dir: Path) -> Contract:
    path = Path(schemas_dir) / f"{name}.yaml"
    return _load(path.resolve(), path.stat().st_mtime_ns if path.exists() else 0)


_COLUMN_KEYS = {
    "title", "description", "dtype", "nullable", "unique", "coerce", "required", "regex",
    "checks", "name", "default", "report_duplicates", "drop_invalid_rows",
}  # fmt: skip
_SCHEMA_KEYS = {
    "schema_type", "version", "api", "dataframe_library", "columns", "checks", "index", "dtype",
    "coerce", "strict", "name", "ordered", "unique", "report_duplicates", "unique_column_names",
    "add_missing_columns", "title", "description", "metadata", "drop_invalid_rows",
}  # fmt: skip


def schema_problems(document: YamlDocument) -> list[tuple[int | None, str]]:
    """Everything wrong with a schema as written, before pandera reads it (pandera silently
    drops keys and parameters it does not know, so a misspelt rule would vanish unseen)."""
    raw = document.data
    found: list[tuple[tuple[str, ...], str]] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict):
        return [(None, "no declara «columns»")]
    for key in raw:
        if key not in _SCHEMA_KEYS:
            found.append(((key,), f"clave desconocida «{key}»"))
    columns = frozenset(str(c) for c in raw["columns"])
    for column, spec in raw["columns"].items():
        found += _column_problems(str(column), spec, columns)
    frame_checks = raw.get("checks") or {}
    if not isinstance(frame_checks, dict):
        found.append((("checks",), "«checks» debe ser un mapa de reglas, p. ej. column_ge: {…}"))
        frame_checks = {}
    for name, value in frame_checks.items():
        for problem in check_rule(
            name,
            value,
            level="table",
            where="la regla de tabla",
            location=("checks", name),
            columns=columns,
        ):
            found.append((problem.location, problem.message))
    for key in ("coerce", "strict", "ordered", "unique_column_names", "add_missing_columns"):
        if key in raw and not isinstance(raw[key], bool):
            found.append(((key,), messages.YAML_NOT_BOOLEAN.format(key=key, value=raw[key])))
    return [(document.line_of(location), message) for location, message in found]


def _column_problems(column: str, spec: object, columns: frozenset[str]):
    where_ = f"la columna «{column}»"
    if spec is None:
        return
    if not isinstance(spec, dict):
        yield (("columns", column), f"{where_} debe ser un mapa de claves (title, dtype…)")
        return
    kind = column_kind(spec.get("dtype"))
    for key, value in spec.items():
        location = ("columns", column, key)
        if key in ("nullable", "unique", "coerce", "required") and not isinstance(value, bool):
            yield location, f"{where_}: " + messages.YAML_NOT_BOOLEAN.format(key=key, value=value)
        elif key in ("title", "description") and value is not None and not isinstance(value, str):
            yield location, f"{where_}: «{key}» debe ser texto; escríbalo entre comillas"
        elif key == "checks":
            for name, stats in (value or {}).items() if isinstance(value, dict) else []:
                for problem in check_rule(
                    name, stats, level="column", where=where_, location=(*location, name), kind=kind
                ):
                    yield problem.location, problem.message
        elif key not in _COLUMN_KEYS:
            if key not in RULES:
                known = (
                    ", ".join(sorted(_COLUMN_KEYS - {"checks"}))
                    + ", "
                    + ", ".join(r for r, rule in RULES.items() if rule.level == "column")
                )
                yield (
                    location,
                    f"{where_} tiene una regla o clave desconocida «{key}»; posibles: {known}",
                )
                continue
            for problem in check_rule(
                key, value, level="column", where=where_, location=location, kind=kind
            ):
                yield problem.location, problem.message


@cache
def _load(path: Path, _mtime: int) -> Contract:
    from pandera.io.pandas_io import deserialize_schema

    name = path.stem
    if not path.exists():
        raise ContractError(name, path, [(None, "el archivo no existe")])
    try:
        document = read_yaml(path)
    except YamlError as exc:
        raise ContractError(
            name, path, [(exc.line, exc.reason + (f" {exc.hint}" if exc.hint else ""))]
        ) from None
    problems = schema_problems(document)
    if problems:
        raise ContractError(name, path, problems)
    raw = document.data
    try:
        schema = deserialize_schema(raw)
    except Exception as exc:  # pandera raises TypeError/AttributeError/SchemaInitError…
        raise ContractError(name, path, [(None, str(exc))]) from None
    columns = {}
    for column_name, column in schema.columns.items():
        dtype = str(column.dtype)
        if dtype not in KINDS:
            line = document.line_of(("columns", column_name, "dtype"))
            reason = (
                f"la columna «{column_name}» usa el tipo {dtype}; use uno de: {', '.join(KINDS)}"
            )
            raise ContractError(name, path, [(line, reason)])
        columns[column_name] = ColumnSpec(
            name=column_name,
            title=column.title or column_name,
            kind=KINDS[dtype],
            nullable=bool(column.nullable),
            required=bool(column.required),
            unique=bool(column.unique),
            description=column.description,
        )
    return Contract(name=name, path=path, schema=schema, columns=columns)
