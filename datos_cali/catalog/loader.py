"""Read every catalog file, collecting problems (with the file they are in) instead of stopping."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from datos_cali.catalog.models import Dataset, Organismo, OrganismosFile
from datos_cali.catalog.spanish import describe_validation_error

ORGANISMOS_FILE = "organismos.yaml"


@dataclass(frozen=True)
class CatalogProblem:
    file: Path
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass
class Catalog:
    root: Path
    organismos: dict[str, Organismo] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # dataset slug → its YAML
    problems: list[CatalogProblem] = field(default_factory=list)

    def dataset(self, slug: str) -> Dataset | None:
        return self.datasets.get(slug)

    def organismo_of(self, dataset: Dataset) -> Organismo | None:
        return self.organismos.get(dataset.organismo)


def _read_yaml(path: Path, problems: list[CatalogProblem]):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(CatalogProblem(path, f"no se pudo leer: {exc}"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (línea {mark.line + 1})" if mark else ""
        problems.append(CatalogProblem(path, f"YAML mal formado{where}: {exc}"))
    return None


_CACHE: dict[Path, tuple[tuple, Catalog]] = {}


def _signature(root: Path) -> tuple:
    files = [root / ORGANISMOS_FILE, *sorted(root.glob("*/*.yaml"))]
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.exists())


def load_catalog(root: Path) -> Catalog:
    """Parse the catalog under `root`; problems are collected in `Catalog.problems`.

    Parsed once per set of file versions: a sweep of hundreds of datasets asks for it for each
    one, and an edited file (new mtime or size) is read again.
    """
    root = Path(root).resolve()
    signature = _signature(root)
    cached = _CACHE.get(root)
    if cached and cached[0] == signature:
        return cached[1]
    catalog = _parse_catalog(root)
    _CACHE[root] = (signature, catalog)
    return catalog


def _parse_catalog(root: Path) -> Catalog:
    catalog = Catalog(root=root)
    organismos_path = root / ORGANISMOS_FILE
    if not organismos_path.exists():
        catalog.problems.append(CatalogProblem(organismos_path, "falta el archivo"))
    else:
        data = _read_yaml(organismos_path, catalog.problems)
        if data is not None:
            try:
                parsed = OrganismosFile.model_validate(data)
            except ValidationError as exc:
                catalog.problems.extend(
                    CatalogProblem(organismos_path, m) for m in describe_validation_error(exc)
                )
            else:
                for organismo in parsed.organismos:
                    if organismo.slug in catalog.organismos:
                        catalog.problems.append(
                            CatalogProblem(
                                organismos_path, f"organismo repetido «{organismo.slug}»"
                            )
                        )
                    catalog.organismos[organismo.slug] = organismo
    for path in sorted(root.glob("*/*.yaml")):
        _load_dataset(path, catalog)
    return catalog


def _load_dataset(path: Path, catalog: Catalog) -> None:
    data = _read_yaml(path, catalog.problems)
    if data is None:
        return
    try:
        dataset = Dataset.model_validate(data)
    except ValidationError as exc:
        catalog.problems.extend(CatalogProblem(path, m) for m in describe_validation_error(exc))
        return
    if dataset.slug in catalog.datasets:
        catalog.problems.append(
            CatalogProblem(
                path, f"el identificador «{dataset.slug}» ya está en {catalog.files[dataset.slug]}"
            )
        )
        return
    if path.stem != dataset.slug:
        catalog.problems.append(
            CatalogProblem(path, f"el archivo debe llamarse «{dataset.slug}.yaml»")
        )
    if path.parent.name != dataset.organismo:
        catalog.problems.append(
            CatalogProblem(path, f"debe estar en la carpeta «{dataset.organismo}/»")
        )
    catalog.datasets[dataset.slug] = dataset
    catalog.files[dataset.slug] = path
