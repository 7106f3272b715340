"""Findings in a few Spanish words: the kind of a finding («Contrato del conjunto», not
`schema`), evidence labels with their accents, and the cause of a rejection.

A finding's message says everything (what, where, an example, how to fix it); a run summary has
room for a phrase: «no es una tabla (PDF)», «fecha imposible en «Fecha de Suscripción», fila 5»,
«datos personales en «Objeto»». The phrase is made from the finding's code, column and first
row, so it never shows a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from datos_cali.findings import Finding, Kind, Severity

# The kinds of finding as people read them (the «Tipo» column of every table).
KIND_NAMES = {
    Kind.FORMAT: "Formato del archivo",
    Kind.ENCODING: "Codificación de caracteres",
    Kind.STRUCTURE: "Estructura de la tabla",
    Kind.EMPTY: "Archivo sin datos",
    Kind.SCHEMA: "Contrato del conjunto",
    Kind.PII: "Datos personales",
    Kind.METADATA: "Metadatos",
    Kind.QUALITY: "Calidad",
}
# Evidence keys are ASCII snake_case (`titulo_sin_anio`); a person reads «título sin año».
EVIDENCE_WORDS = {
    "anio": "año",
    "anios": "años",
    "titulo": "título",
    "valido": "válido",
    "valida": "válida",
    "validos": "válidos",
    "dias": "días",
    "actualizacion": "actualización",
    "publicacion": "publicación",
    "estandar": "estándar",
    "informacion": "información",
    "codigo": "código",
    "codigos": "códigos",
    "numero": "número",
    "numeros": "números",
    "categoria": "categoría",
    "descripcion": "descripción",
    "ultima": "última",
    "ultimo": "último",
    "vacias": "vacías",
    "vacia": "vacía",
    "vacios": "vacíos",
    "vacio": "vacío",
    "emision": "emisión",
    "frecuencia": "frecuencia",
    "periodo": "periodo",
    "precision": "precisión",
    "resolucion": "resolución",
    "espacial": "espacial",
    "comun": "común",
    "tamano": "tamaño",
    "unicos": "únicos",
    "unica": "única",
    "unico": "único",
    "metodo": "método",
    "region": "región",
    "direccion": "dirección",
    "direcciones": "direcciones",
    "telefono": "teléfono",
    "telefonos": "teléfonos",
    "electronico": "electrónico",
    "correccion": "corrección",
    "documentacion": "documentación",
    "regulacion": "regulación",
    "normativa": "normativa",
    "credito": "crédito",
    "minimo": "mínimo",
    "maximo": "máximo",
    "promedio": "promedio",
    "intermedio": "intermedio",
    "tecnico": "técnico",
    "geografica": "geográfica",
    "geografico": "geográfico",
    "sintactica": "sintáctica",
    "semantica": "semántica",
    "exactitud": "exactitud",
    "conformidad": "conformidad",
    "relevancia": "relevancia",
    "variacion": "variación",
    "variaciones": "variaciones",
    "indice": "índice",
    "clasificacion": "clasificación",
    "proporcion": "proporción",
    "publicas": "públicas",
    "publica": "pública",
    "publicos": "públicos",
    "publico": "público",
    "minimas": "mínimas",
    "minimos": "mínimos",
    "maximas": "máximas",
    "categorias": "categorías",
    "mayusculas": "mayúsculas",
    "invalida": "inválida",
    "invalido": "inválido",
    "estandares": "estándares",
}


def kind_name(kind: str | None) -> str:
    try:
        return KIND_NAMES[Kind(kind)]
    except ValueError:
        return kind or "—"


def evidence_label(key: str) -> str:
    """`titulo_sin_anio` → «título sin año»; `referencia_es_publicacion` → «referencia es
    publicación»."""
    return " ".join(EVIDENCE_WORDS.get(word, word) for word in key.split("_"))


# What a code means, as a noun phrase (the column and row are added after it).
PHRASES = {
    "archivo_vacio": "archivo vacío (0 bytes)",
    "excel_antiguo": "libro de Excel 97-2003 (.xls)",
    "documento_word": "documento de Word, no una tabla",
    "documento_odt": "documento de texto (ODT), no una tabla",
    "libro_comprimido": "comprimido (ZIP), no una tabla",
    "codificacion_mezclada": "codificaciones de texto mezcladas",
    "sin_filas": "solo el encabezado, sin filas de datos",
    "sin_encabezado": "sin encabezado ni datos",
    "hoja_de_instrucciones": "la primera hoja es de instrucciones",
    "filas_irregulares": "filas con más o menos celdas que el encabezado",
    "encabezado_repetido": "encabezado repetido",
    "encabezado_vacio": "columna sin nombre",
    "columna_faltante": "falta la columna",
    "columna_duplicada": "columna repetida",
    "no_es_entero": "número entero no válido",
    "no_es_numero": "número no válido",
    "no_es_si_no": "valor que no es sí/no",
    "fecha_invalida": "fecha no reconocible",
    "fecha_imposible": "fecha imposible",
    "valor_nulo": "celda obligatoria vacía",
    "valor_desconocido": "valor fuera de la lista",
    "fuera_de_rango": "valor fuera del rango",
    "formato_invalido": "formato no válido",
    "longitud_invalida": "longitud no válida",
    "valor_repetido": "identificador repetido",
    "celdas_pequenas": "conteos pequeños que identifican personas",
    "menores_identificables": "menores de edad identificables",
    "dato_sensible_no_declarado": "datos sensibles no declarados",
    "sensible_con_identificadores": "datos sensibles con identificadores",
}
KIND_PHRASES = {
    Kind.FORMAT: "no es una tabla",
    Kind.ENCODING: "codificación de texto ilegible",
    Kind.STRUCTURE: "estructura de la tabla",
    Kind.EMPTY: "sin filas de datos",
    Kind.SCHEMA: "no cumple el contrato",
    Kind.PII: "datos personales",
    Kind.METADATA: "metadatos",
    Kind.QUALITY: "calidad",
}
MORE = " (y {count} problema más)", " (y {count} problemas más)"
_PARENTHESIS = re.compile(r"\(([^()]{2,40})\)")


def phrase(finding: Finding, titles: Mapping[str, str] | None = None) -> str:
    """One finding as a short phrase: what, in which column (its header), first file row."""
    what = PHRASES.get(finding.code) or KIND_PHRASES.get(finding.kind, finding.code)
    if finding.code == "no_es_tabla":
        detail = _PARENTHESIS.search(finding.message)
        what = f"no es una tabla ({detail.group(1)})" if detail else "no es una tabla"
    elif finding.code.startswith("regla_"):
        what = f"no cumple la regla «{finding.code.removeprefix('regla_')}»"
    if finding.column:
        what += f" en «{(titles or {}).get(finding.column, finding.column)}»"
    if finding.rows:
        what += f", fila {finding.rows[0]}"
    return what


def cause(findings: Iterable[Finding], titles: Mapping[str, str] | None = None) -> str | None:
    """The first blocking finding as a phrase, with how many more blocked; None if none did."""
    blocking = [f for f in findings if f.severity == Severity.BLOCK]
    if not blocking:
        return None
    text = phrase(blocking[0], titles)
    rest = len(blocking) - 1
    if rest:
        text += MORE[0 if rest == 1 else 1].format(count=rest)
    return text
