"""Load `schemas/<name>.yaml` (pandera's YAML format) into a `Contract` the engine can use.

Only the dtypes the reader can produce are allowed, so a schema cannot promise a type that no
submission could ever satisfy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from datos_cali import messages
from datos_cali.contracts import checks as _registered_checks  # noqa: F401  (registers checks)

KINDS = {
    "string[pyarrow]": "text",
    "int64[pyarrow]": "integer",
    "double[pyarrow]": "number",
    "bool[pyarrow]": "boolean",
    "date32[day][pyarrow]": "date",
    "datetime64[ns]": "datetime",
}


class ContractError(Exception):
    """A schema file that cannot be used; the message is for people."""


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


def _refuse_unknown_keys(name: str, raw: dict) -> None:
    """pandera silently drops keys it does not know, so a misspelt rule would vanish unseen."""
    from pandera.api.checks import Check

    def is_check(key: str) -> bool:
        return callable(getattr(Check, key, None)) and not key.startswith("_")

    for key in raw:
        if key not in _SCHEMA_KEYS:
            raise ContractError(
                messages.SCHEMA_INVALID.format(name=name, reason=f"clave desconocida «{key}»")
            )
    frame_checks = raw.get("checks") or {}
    for key in frame_checks if isinstance(frame_checks, dict) else []:
        if not is_check(key):
            raise ContractError(
                messages.SCHEMA_INVALID.format(name=name, reason=f"regla desconocida «{key}»")
            )
    for column, spec in raw["columns"].items():
        for key in spec or {}:
            if key not in _COLUMN_KEYS and not is_check(key):
                raise ContractError(
                    messages.SCHEMA_INVALID.format(
                        name=name,
                        reason=f"la columna «{column}» tiene una regla o clave desconocida «{key}»",
                    )
                )


@cache
def _load(path: Path, _mtime: int) -> Contract:
    from pandera.io.pandas_io import deserialize_schema

    name = path.stem
    if not path.exists():
        raise ContractError(
            messages.SCHEMA_INVALID.format(name=name, reason="el archivo no existe")
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContractError(messages.SCHEMA_INVALID.format(name=name, reason=str(exc))) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict):
        raise ContractError(
            messages.SCHEMA_INVALID.format(name=name, reason="no declara «columns»")
        )
    _refuse_unknown_keys(name, raw)
    try:
        schema = deserialize_schema(raw)
    except Exception as exc:  # pandera raises TypeError/AttributeError/SchemaInitError…
        raise ContractError(messages.SCHEMA_INVALID.format(name=name, reason=str(exc))) from None
    columns = {}
    for column_name, column in schema.columns.items():
        dtype = str(column.dtype)
        if dtype not in KINDS:
            raise ContractError(
                messages.SCHEMA_INVALID.format(
                    name=name,
                    reason=f"la columna «{column_name}» usa el tipo {dtype}; "
                    f"use uno de: {', '.join(KINDS)}",
                )
            )
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
