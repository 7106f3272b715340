"""Match the headers people write to the field names a portal needs.

`normalize` makes «Número de Contrato », «NUMERO DE CONTRATO» and «numero_de_contrato» equal;
`field_name` turns any header into the ASCII snake_case Socrata requires (it would otherwise
mangle accents into `n_mero_de_contrato`).
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(header: str) -> str:
    return _NON_ALNUM.sub(" ", strip_accents(header).casefold()).strip()


def field_name(header: str) -> str:
    name = normalize(header).replace(" ", "_") or "columna"
    return name if name[0].isalpha() else f"c_{name}"
