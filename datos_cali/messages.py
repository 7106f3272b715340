"""Every sentence a person reads, in plain Spanish, as constants that tests match.

Messages are `str.format` templates; keep the placeholders named so a reader of the template
knows what will be filled in.
"""

# --- could not run (exit 2) -------------------------------------------------------------------
UNKNOWN_DATASET = "No existe un conjunto de datos con el identificador «{slug}» en el catálogo."
PATH_NOT_FOUND = "No se encuentra el archivo «{path}»."
PATH_IS_DIRECTORY = "«{path}» es una carpeta, no un archivo."
PATH_UNREADABLE = "No se pudo leer el archivo «{path}»: {reason}."
SCHEMA_INVALID = "El esquema «{name}» no se pudo cargar: {reason}"
CATALOG_FILE_BROKEN = (
    "El archivo del catálogo de «{slug}» tiene errores y no se pudo cargar: {problems}. "
    "Corríjalo y ejecute «datos-cali catalog check»."
)
UNKNOWN_DATASET_BROKEN_FILES = (
    "No existe un conjunto de datos con el identificador «{slug}» en el catálogo; además, estos "
    "archivos del catálogo tienen errores y no se pudieron cargar: {files}."
)

# --- YAML files (catalog, schemas, quality settings) -------------------------------------------
YAML_MALFORMED = "YAML mal formado ({problem})."
YAML_UNREADABLE = "no se pudo leer ({reason})."
YAML_QUOTE_HINT = (
    "Pista: si un texto contiene «: » o «, » (p. ej. una descripción), escríbalo entre comillas: "
    'description: "Condición de la víctima: conductor, pasajero o peatón."'
)
YAML_NOT_BOOLEAN = "«{key}» debe ser true o false (sin comillas); se escribió {value!r}."

# --- format -----------------------------------------------------------------------------------
FORMAT_EMPTY_FILE = "El archivo está vacío (0 bytes)."
FORMAT_BINARY = "El archivo no es una tabla: parece un archivo binario ({what})."
FORMAT_OLD_EXCEL = (
    "El archivo es un libro de Excel 97-2003 (.xls). Guárdelo como .xlsx o como CSV UTF-8."
)
FORMAT_ARCHIVE = (
    "El archivo es un comprimido (ZIP) y no un libro de Excel. Envíe la tabla sin comprimir."
)
FORMAT_WORD = (
    "El archivo es un documento de Word (.docx), no una tabla. Copie la tabla a Excel y "
    "guárdela como .xlsx o como «CSV UTF-8»."
)
FORMAT_ODT = (
    "El archivo es un documento de texto de LibreOffice (.odt), no una tabla. Copie la tabla a "
    "una hoja de cálculo y guárdela como .xlsx o como «CSV UTF-8»."
)
FORMAT_ODS = (
    "El archivo es una hoja de cálculo de LibreOffice (.ods). Guárdela como .xlsx o como "
    "«CSV UTF-8» y envíela de nuevo."
)
FORMAT_INSTRUCTIONS_SHEET = (
    "La primera hoja del libro, «{sheet}», parece de instrucciones y no tiene la tabla de datos. "
    "Ponga primero la hoja con los datos ({others}) o pida a la Oficina de Transparencia que "
    "indique la hoja en el catálogo."
)
FORMAT_XLSX_BROKEN = "El libro de Excel está dañado o no se puede abrir: {reason}."
FORMAT_XLSX_BOMB = (
    "El libro de Excel se expande a {size} al descomprimirlo (más de lo permitido, {limit}). "
    "Divídalo o envíelo como CSV."
)
FORMAT_SHEET_MISSING = "El libro no tiene la hoja «{sheet}». Hojas disponibles: {available}."
FORMAT_TOO_WIDE = (
    "El archivo tiene demasiadas columnas (más de {limit}, el máximo que se puede publicar). "
    "Revise que cada fila sea un registro y cada columna un campo, o divídalo."
)
FORMAT_TOO_MANY_CELLS = (
    "El archivo tiene demasiadas celdas (más de {limit}, contando columnas por filas) para "
    "revisarlo en este equipo. Divídalo en partes o pida a la Oficina de Transparencia que lo "
    "procese por lotes."
)
OUT_OF_TIME = (
    "La revisión del archivo se detuvo: tardó más de {seconds} s, el máximo por archivo. "
    "No se publicó. Si es muy grande, divídalo en partes; si no, avise a la Oficina de "
    "Transparencia, que revisará por qué tarda."
)
FORMAT_TOO_LARGE = (
    "El archivo pesa {size}, más de lo que este equipo puede procesar ({limit}). "
    "Divídalo en partes o pida a la Oficina de Transparencia que lo procese por lotes."
)
FORMAT_EXTENSION_MISMATCH = (
    "La extensión «{extension}» no corresponde al contenido ({actual}); se leyó como {actual}."
)

# --- encoding ---------------------------------------------------------------------------------
ENCODING_MIXED = (
    "El archivo mezcla codificaciones de texto (parte en UTF-8 y parte en otra), "
    "p. ej. en la fila {row}. Expórtelo de nuevo como «CSV UTF-8»."
)
ENCODING_UNDECODABLE = (
    "El archivo no se puede leer como texto {encoding}: {reason}. Puede estar cortado o "
    "dañado; expórtelo de nuevo como «CSV UTF-8»."
)
ENCODING_CUT_CHARACTER = "termina a mitad de un carácter"
ENCODING_FOREIGN_BYTES = "tiene bytes que no son de esa codificación"

# --- structure --------------------------------------------------------------------------------
STRUCTURE_RAGGED = (
    "{count} fila tiene un número de celdas ({actual}) distinto del encabezado ({expected}).",
    "{count} filas tienen un número de celdas ({actual}) distinto del encabezado ({expected}).",
)
STRUCTURE_EMPTY_HEADER = "La columna {position} no tiene nombre en el encabezado y tiene datos."
STRUCTURE_DUPLICATE_HEADER = "El encabezado «{header}» aparece repetido (columnas {positions})."
STRUCTURE_DUPLICATE_MATCH = (
    "Las columnas {headers} (posiciones {positions}) corresponden todas a «{title}»: deje solo "
    "una, o declare en el catálogo la posición de cada campo (position: N)."
)
STRUCTURE_POSITION_MISMATCH = (
    "El catálogo espera «{title}» en la columna {position} del archivo y allí está «{header}»: "
    "¿cambió el orden de las columnas?"
)
STRUCTURE_POSITION_MISSING = (
    "El catálogo espera «{title}» en la columna {position}, más allá de la última del archivo "
    "(la {columns})."
)
STRUCTURE_REPEATED_RESOLVED = "El catálogo declara por posición qué campo es cada una."
STRUCTURE_CUT_SHORT = (
    "El archivo termina a mitad de una fila ({why}): parece que la copia no terminó. "
    "Espere a que termine de copiarse o de exportarse, y vuelva a enviarlo completo."
)
STRUCTURE_CUT_OPEN_QUOTE = "un texto entre comillas queda sin cerrar"
STRUCTURE_CUT_NARROW = "a la última fila le faltan celdas: es más corta que el encabezado"
STRUCTURE_NO_FINAL_NEWLINE = (
    "El archivo no termina con un salto de línea: revise que su última fila esté completa."
)
STRUCTURE_UNPARSEABLE = "El archivo no se puede leer como tabla delimitada ({reason})."
STRUCTURE_DROPPED_EMPTY_COLUMNS = (
    "Se ignoró {count} columna vacía sin nombre.",
    "Se ignoraron {count} columnas vacías sin nombre.",
)

# --- empty ------------------------------------------------------------------------------------
EMPTY_NO_HEADER = "El archivo no tiene encabezado ni datos."
EMPTY_NO_ROWS = "El archivo solo tiene el encabezado: no hay filas de datos."

# --- schema (contract) ------------------------------------------------------------------------
SCHEMA_MISSING_COLUMN = "Falta la columna «{title}».{suggestion}"
DID_YOU_MEAN = " ¿Quiso decir «{header}»?"
SCHEMA_EXTRA_COLUMN = "La columna «{header}» no está en el contrato del conjunto y no se publicará."
SCHEMA_NOT_NUMBER = "{count} {filas} con «{title}» que no es un número, p. ej. {example}."
SCHEMA_NOT_INTEGER = "{count} {filas} con «{title}» que no es un número entero, p. ej. {example}."
SCHEMA_BAD_DATE = "{count} {filas} con «{title}» que no es una fecha reconocible, p. ej. {example}."
SCHEMA_IMPOSSIBLE_DATE = (
    "{count} {filas} con «{title}» en una fecha que no existe, p. ej. {example}."
)
SCHEMA_BAD_BOOLEAN = "{count} {filas} con «{title}» que no es sí/no, p. ej. {example}."
SCHEMA_NULL = "{count} {filas} sin valor en «{title}», que es obligatoria, p. ej. {example}."
SCHEMA_NOT_IN_SET = "{count} {filas} con «{title}» desconocida, p. ej. {example}."
SCHEMA_OUT_OF_RANGE = (
    "{count} {filas} con «{title}» fuera del rango permitido ({bounds}), p. ej. {example}."
)
SCHEMA_PATTERN = "{count} {filas} con «{title}» en un formato no válido, p. ej. {example}."
SCHEMA_DUPLICATE = "{count} {filas} con «{title}» repetido, p. ej. {example}."
SCHEMA_LENGTH = (
    "{count} {filas} con «{title}» de longitud no permitida ({bounds}), p. ej. {example}."
)
SCHEMA_CHECK_FAILED = (
    "{count} {filas} no cumplen la regla «{check}» en «{title}», p. ej. {example}."
)
SCHEMA_ROW_CHECK_FAILED = "{count} {filas} no cumplen la regla «{check}», p. ej. {example}."
EXAMPLE_VALUE = "«{value}» (fila {row})"
EXAMPLE_ROW = "la fila {row}"

# --- verdicts ---------------------------------------------------------------------------------
VERDICT_PUBLISHABLE = "Se puede publicar."
VERDICT_BLOCKED = "No se puede publicar: corrija los errores señalados."
MASKED = "[dato personal oculto]"


def rows_word(count: int) -> str:
    return "fila" if count == 1 else "filas"


def human_size(n_bytes: int) -> str:
    size = float(n_bytes)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
