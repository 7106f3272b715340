"""pydantic's validation errors, said in Spanish with the key path where they happened."""

from __future__ import annotations

from pydantic import ValidationError

_TEMPLATES = {
    "extra_forbidden": "clave desconocida «{loc}» (revise la ortografía)",
    "missing": "falta la clave obligatoria «{loc}»",
    "enum": "«{loc}» tiene un valor no permitido ({input}); permitidos: {expected}",
    "literal_error": "«{loc}» tiene un valor no permitido ({input}); permitidos: {expected}",
    "string_pattern_mismatch": "«{loc}» no tiene el formato esperado ({input})",
    "string_too_short": "«{loc}» es demasiado corto",
    "too_short": "«{loc}» no puede estar vacío",
    "date_from_datetime_parsing": "«{loc}» no es una fecha aaaa-mm-dd ({input})",
    "date_parsing": "«{loc}» no es una fecha aaaa-mm-dd ({input})",
    "value_error": "«{loc}»: {msg}",
    "string_type": "«{loc}» debe ser texto y se leyó {input}: escríbalo entre comillas",
    "dict_type": "«{loc}» debe ser un mapa de claves",
    "list_type": "«{loc}» debe ser una lista",
    "bool_parsing": "«{loc}» debe ser true o false",
    "int_parsing": "«{loc}» debe ser un número entero",
    "int_type": "«{loc}» debe ser un número entero ({input})",
    "greater_than_equal": "«{loc}» debe ser mayor o igual a {ge} ({input})",
}


def _location(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if not str(part).startswith("function-")) or "(raíz)"


def describe_validation_error(error: ValidationError) -> list[str]:
    messages = []
    for item in error.errors(include_url=False):
        template = _TEMPLATES.get(item["type"], "«{loc}»: {msg}")
        context = item.get("ctx") or {}
        messages.append(
            template.format(
                loc=_location(item["loc"]),
                input=repr(item.get("input"))[:80],
                expected=context.get("expected", ""),
                ge=context.get("ge", ""),
                msg=str(context.get("error", item["msg"])).removeprefix("Value error, "),
            )
        )
    return messages
