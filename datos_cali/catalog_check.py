"""`datos-cali catalog check`: every entry is consistent with its schema, organismo, files, and
with what the engine can do — a registered source kind and portals, known quality keys.

It sits above the catalog (which it checks) and the engines it asks, so the catalog package
itself stays at the bottom of the domain.
"""

from __future__ import annotations

from pathlib import Path

from datos_cali.catalog.loader import Catalog, CatalogProblem, load_catalog
from datos_cali.catalog.models import Dataset
from datos_cali.contracts.schema import Contract, ContractError, load_contract
from datos_cali.portals.registry import ADAPTERS
from datos_cali.quality.engine import known_quality_keys
from datos_cali.quality.messages import UNKNOWN_QUALITY_KEY
from datos_cali.reading.headers import normalize
from datos_cali.sources import SourceConfigError, settings_of

UNKNOWN_PORTAL = "el portal «{name}» de «targets» no está registrado; disponibles: {known}"


def check_catalog(
    catalog_dir: Path, schemas_dir: Path, project_root: Path
) -> tuple[Catalog, list[CatalogProblem]]:
    catalog = load_catalog(catalog_dir)
    problems = list(catalog.problems)
    for slug, dataset in catalog.datasets.items():
        path = catalog.files[slug]
        if dataset.organismo not in catalog.organismos:
            problems.append(
                CatalogProblem(
                    path, f"el organismo «{dataset.organismo}» no está en organismos.yaml"
                )
            )
        try:
            settings_of(dataset)
        except SourceConfigError as exc:
            problems.append(CatalogProblem(path, str(exc)))
        for target in dataset.targets:
            if target.portal not in ADAPTERS:
                known = ", ".join(ADAPTERS.names())
                problems.append(
                    CatalogProblem(path, UNKNOWN_PORTAL.format(name=target.portal, known=known))
                )
        try:
            contract = load_contract(dataset.schema_name, schemas_dir)
        except ContractError as exc:
            problems.extend(
                CatalogProblem(exc.path, f"esquema de «{slug}»: {message}", line)
                for line, message in exc.problems
            )
            continue
        problems.extend(CatalogProblem(path, m) for m in same_header_problems(dataset, contract))
        declared, contracted = set(dataset.columns), set(contract.columns)
        for name in sorted(contracted - declared):
            problems.append(
                CatalogProblem(
                    path,
                    f"la columna «{name}» está en el esquema pero no tiene descripción en «columns»",
                )
            )
        for name in sorted(declared - contracted):
            problems.append(
                CatalogProblem(
                    path,
                    f"la columna «{name}» está en «columns» pero no en el esquema «{dataset.schema_name}»",
                )
            )
        if dataset.row_identifier and dataset.row_identifier in contract.columns:
            spec = contract.columns[dataset.row_identifier]
            if spec.nullable or not spec.unique:
                problems.append(
                    CatalogProblem(
                        path,
                        f"el identificador de fila «{spec.name}» debe ser único y obligatorio en el esquema",
                    )
                )
        for key in sorted(set(dataset.quality) - set(known_quality_keys())):
            problems.append(
                CatalogProblem(
                    path, UNKNOWN_QUALITY_KEY.format(key=key, known=", ".join(known_quality_keys()))
                )
            )
        if dataset.demo and not (project_root / dataset.demo).is_file():
            problems.append(
                CatalogProblem(path, f"no existe el archivo de demostración «{dataset.demo}»")
            )
    for organismo in catalog.organismos.values():
        for year, items in organismo.plan.items():
            for item in items:
                if item.dataset not in catalog.datasets:
                    problems.append(
                        CatalogProblem(
                            catalog_dir / "organismos.yaml",
                            f"el plan {year} de «{organismo.slug}» incluye «{item.dataset}», que no está en el catálogo",
                        )
                    )
    return catalog, problems


def same_header_problems(dataset: Dataset, contract: Contract) -> list[str]:
    """Two contract columns that would match the same header (title, field name or alias)
    cannot be told apart unless both declare their `position:` in the file."""
    keys: dict[str, list[str]] = {}
    for spec in contract.columns.values():
        doc = dataset.columns.get(spec.name)
        names = {spec.title, spec.name, *(doc.aliases if doc else [])}
        for key in {normalize(n) for n in names}:
            keys.setdefault(key, []).append(spec.name)
    found = []
    for key, names in keys.items():
        unplaced = [
            n for n in names if not (dataset.columns.get(n) and dataset.columns[n].position)
        ]
        if len(names) > 1 and unplaced:
            listed = ", ".join(f"«{n}»" for n in names)
            found.append(
                f"las columnas {listed} corresponden al mismo encabezado «{key}»: declare en "
                f"«columns» la posición de cada una en el archivo (position: N, contando desde 1)"
            )
    return found
