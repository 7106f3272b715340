"""Every sentence of the quality engine a person reads, in plain Spanish, as constants.

Same rules as `datos_cali.messages`: `str.format` templates with named placeholders. Public
wordings never hold a cell value: findings name the column, the count and the rows; where an
example value helps the organismo, it goes in the finding's `organismo_message`, masked.
"""

# --- personal data: what each detector finds (plural, lower case) ------------------------------
LABEL_CEDULA = "cédulas"
LABEL_DOCUMENT = "números de documento de identidad"
LABEL_NIT = "NIT de personas naturales"
LABEL_MOBILE = "celulares"
LABEL_LANDLINE = "teléfonos fijos"
LABEL_EMAIL = "correos electrónicos"
LABEL_ADDRESS = "direcciones"
LABEL_NAME = "nombres de personas"
LABEL_HEALTH_WITH_NAME = "datos de salud junto al nombre de una persona"

# --- personal data: findings -------------------------------------------------------------------
PII_FOUND = (
    "La columna «{header}» contiene datos personales ({what}) en {count} {filas}. "
    "Quítela o anonimícela antes de enviar el archivo (Ley 1581 de 2012)."
)
PII_FOUND_SAMPLED = (
    "La columna «{header}» contiene datos personales ({what}) en al menos {count} {filas} (los "
    "nombres se buscaron en una muestra de las filas: {sample}). Quítela o anonimícela antes de "
    "enviar el archivo (Ley 1581 de 2012)."
)
PII_NAME_ONLY = (
    "Por su nombre, la columna «{header}» parece contener datos personales ({category}), "
    "aunque sus valores no lo confirman. Revísela antes de enviar el archivo."
)
PII_PUBLIC_BY_LAW = (
    "La columna «{header}» contiene datos personales que son públicos por ley y se publica. "
    "Fundamento: {basis}"
)
PII_PUBLIC_PLACES = (
    "La columna «{header}» tiene direcciones o nombres de lugares públicos y se publica sin "
    "tratarlos como datos personales. Motivo declarado en el catálogo: {basis}"
)
PII_UNPUBLISHED = (
    "La columna «{header}» no está en el contrato y no se publica: se descarta antes de publicar. "
    "Contiene datos personales ({what}); quítela del archivo que envía."
)
PII_SENSITIVE_UNDECLARED = (
    "La columna «{header}» contiene datos sensibles ({category}) y el conjunto no está declarado "
    "como sensible: los datos sensibles solo se publican agregados o sin identificar "
    "(Ley 1581 de 2012, art. 5 y 6)."
)
PII_SENSITIVE_AGGREGATED = (
    "La columna «{header}» contiene datos sensibles ({category}) en un conjunto agregado que no "
    "está declarado como sensible. Declárelo en el catálogo (privacy.sensitive)."
)
PII_SENSITIVE_DEIDENTIFIED = (
    "El conjunto está declarado como sensible ({what}) y no se encontraron identificadores "
    "directos (nombres, documentos, teléfonos, correos, direcciones): se publica sin identificar."
)
PII_SENSITIVE_IDENTIFIED = (
    "El conjunto está declarado como sensible y tiene identificadores directos en {columns}: "
    "los datos sensibles solo se publican agregados o sin identificar (Ley 1581 de 2012, art. 6)."
)
PII_MINORS = (
    "El archivo identifica a menores de edad ({where}): sus datos no se pueden publicar con "
    "identificadores (Ley 1581 de 2012, art. 7; Ley 1098 de 2006)."
)
SENSITIVE_DECLARED = "datos de salud u otra categoría sensible"
MINORS_BY_COLUMN = "columna «{header}»"
SMALL_CELLS = (
    "{count} {filas} de «{header}» tienen conteos entre 1 y 4: en datos sensibles agregados, "
    "conteos tan pequeños pueden identificar a las personas. Agrúpelos o suprímalos."
)

# --- automatic review codes --------------------------------------------------------------------
REVIEW_NO_ROWS = "El conjunto no tiene filas de datos."
REVIEW_FEW_ROWS = (
    "El conjunto tiene {rows} {filas}, menos de {minimum}: revise si está completo o si conviene "
    "publicarlo junto con otros periodos."
)
REVIEW_FEW_COLUMNS = (
    "El conjunto tiene {columns} {columnas}, menos de {minimum}: un conjunto de datos abiertos "
    "necesita contexto (fecha, lugar, categoría) además del valor."
)
REVIEW_UNNAMED_COLUMN = (
    "La columna «{header}» no tiene un nombre que diga qué contiene; póngale un encabezado."
)
REVIEW_FORMULA_INJECTION = (
    "{count} {celdas} de «{header}» empiezan por «=», «+», «-» o «@» sin ser números, p. ej. en "
    "la fila {row}: quien abra el CSV en Excel o LibreOffice podría ejecutarlas como fórmulas. "
    "Quite ese primer signo o antepóngale un apóstrofo («'»)."
)
REVIEW_EXCEL_ERRORS = (
    "{count} {celdas} de «{header}» tienen un valor de error de Excel («#N/D», «#¡VALOR!», «#REF!»…), "
    "p. ej. la fila {row}: es el resultado de una fórmula rota, no un dato. Corrija la fórmula "
    "en la hoja original antes de exportar; mientras tanto se leen como vacías."
)
REVIEW_TOTALS_ROW = (
    "{count} {filas} parecen de totales o subtotales («TOTAL», «Subtotal»…): los microdatos no "
    "llevan totales, quien use los datos los calcula."
)
REVIEW_YEAR_IN_TITLE = (
    "El título «{title}» incluye el año {year}: un conjunto que se actualiza no debe llevar el "
    "año en el título (use la cobertura temporal)."
)
REVIEW_ADDRESS_WITHOUT_COORDINATES = (
    "La columna «{header}» tiene direcciones y el conjunto no declara coordenadas (latitud y "
    "longitud): agréguelas para que los datos se puedan ubicar en un mapa."
)
REVIEW_STALE = (
    "La última actualización conocida ({reference}, {when}) pasó del plazo de la frecuencia "
    "declarada, {frequency} (días transcurridos: {days}; permitidos: {period}): el conjunto "
    "está desactualizado."
)

REFERENCE_LAST_UPDATED = "última publicación"
REFERENCE_FECHA_EMISION = "fecha de emisión del catálogo"
UNKNOWN_QUALITY_KEY = (
    "La clave «{key}» de «quality:» en el catálogo no es un criterio ni un código de revisión; "
    "valores posibles: {known}."
)
SETTINGS_INCOMPLETE = (
    "quality/criterios.yaml no define todos los criterios y códigos de revisión; faltan: {keys}."
)

# --- criteria below their threshold ------------------------------------------------------------
CRITERION_BELOW = "{name}: {value} de 10, por debajo del mínimo de {threshold}. {hint}"
REPEATED_ROWS = "{count} {filas} repiten exactamente una fila anterior."
NEAR_DUPLICATES = (
    "La columna «{header}» escribe el mismo valor de varias formas ({variants}) en {count} "
    "{filas}, p. ej. {example}."
)
INCONSISTENT_CASE = (
    "La columna «{header}» mezcla mayúsculas y minúsculas en {count} {filas} (p. ej. la fila "
    "{row}): use una sola forma."
)
INCONSISTENT_DATES = (
    "La columna «{header}» escribe las fechas de varias formas ({shapes}; {count} {filas} "
    "fuera de la forma más usada, p. ej. la fila {row})."
)

# --- Great Expectations suite meta (read by auditors in the Data Docs) ------------------------
GX_NO_EQUIVALENT = (
    "Great Expectations no tiene una expectativa equivalente; la regla se verifica solo con el "
    "contrato pandera."
)
GX_NO_DATE_TYPE = (
    "Great Expectations no reconoce el tipo fecha de pyarrow (date32) en pandas; el tipo lo "
    "garantiza la conversión del contrato."
)
GX_NOTE_EXACT_SET = (
    "«{column}»: el contrato acepta la comuna sin distinguir mayúsculas ni tildes; en Great "
    "Expectations la lista se compara exacta."
)

# --- scores line (pre-check) -------------------------------------------------------------------
SCORES_TITLE = "Calidad (criterios MinTIC, 0 a 10; fórmulas provisionales)"
SCORES_OVERALL = "Índice ponderado: {value} de 10"


def rows_word(count: int) -> str:
    return "fila" if count == 1 else "filas"


def columns_word(count: int) -> str:
    return "columna" if count == 1 else "columnas"


def decimal(value: float) -> str:
    """A score as people in Colombia write it: one decimal, with a comma."""
    return f"{value:.1f}".replace(".", ",")
