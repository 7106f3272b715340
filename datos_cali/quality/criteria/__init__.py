"""The 17 MinTIC criteria, one module each, in the order of the MinTIC guide.

Every module has a module-level `CRITERION` (id, Spanish name, definition, formula and its
version) and `evaluate(ctx) -> Score`. Adding a criterion = one module here + its test in
tests/quality/criteria/ + its line in quality/criterios.yaml.
"""

from datos_cali.quality.criteria import (
    accesibilidad,
    actualidad,
    completitud,
    comprensibilidad,
    confidencialidad,
    conformidad,
    consistencia,
    credibilidad,
    disponibilidad,
    eficiencia,
    exactitud,
    portabilidad,
    precision,
    recuperabilidad,
    relevancia,
    trazabilidad,
    unicidad,
)

MODULES = (
    completitud,
    unicidad,
    actualidad,
    credibilidad,
    trazabilidad,
    disponibilidad,
    accesibilidad,
    recuperabilidad,
    portabilidad,
    relevancia,
    confidencialidad,
    exactitud,
    consistencia,
    precision,
    conformidad,
    comprensibilidad,
    eficiencia,
)
BY_ID = {module.CRITERION.id: module for module in MODULES}
