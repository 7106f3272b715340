"""Read every catalog file, collecting problems (with the file they are in) instead of stopping."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from datos_cali.catalog.models import Dataset, Organismo, OrganismosFile
from datos_cali.catalog.spanish import describe_validation_error
from datos_cali.catalog.yamlfile import YamlDocument, YamlError, read_yaml, where

ORGANISMOS_FILE = "organismos.yaml"


@dataclass(frozen=True)
class CatalogProblem:
    file: Path
    message: str
    line: int | None = None

    @property
    def place(self) -> str:
        """The file, and the line when known: «datasets/salud/x.yaml, línea 12»."""
        return where(self.file, self.line)

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


@dataclass
class Catalog:
    root: Path
    organismos: dict[str, Organismo] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # dataset slug → its YAML
    problems: list[CatalogProblem] = field(default_factory=list)

    def dataset(self, slug: str) -> Dataset | None:
        return self.datasets.get(slug)

    def broken_files(self) -> list[Path]:
        """Catalog files that could not be loaded (their datasets are missing from `datasets`)."""
        return sorted({p.file for p in self.problems if p.file not in self.files.values()})

    def problems_in(self, path: Path) -> list[CatalogProblem]:
        return [p for p in self.problems if p.file == path]

    def file_named(self, slug: str) -> Path | None:
        """A dataset file named after `slug` that did not load (so `slug` is not in `datasets`)."""
        for path in self.broken_files():
            if path.stem == slug:
                return path
        return None

    def organismo_of(self, dataset: Dataset) -> Organismo | None:
        return self.organismos.get(dataset.organismo)


def _read_yaml(path: Path, problems: list[CatalogProblem]) -> YamlDocument | None:
    try:
        return read_yaml(path)
    except YamlError as exc:
        reason = exc.reason + (f" {exc.hint}" if exc.hint else "")
        problems.append(CatalogProblem(path, reason, exc.line))
    return None


def validation_problems(
    path: Path, document: YamlDocument, error: ValidationError
) -> list[CatalogProblem]:
    """pydantic's errors in Spanish, each with the line of the key it is about (and the quoting
    hint when an unknown key is really the tail of an unquoted text)."""
    found = []
    for item, message in zip(
        error.errors(include_url=False), describe_validation_error(error), strict=True
    ):
        location = [part for part in item["loc"] if not str(part).startswith("function-")]
        line = document.line_of(location)
        hint = document.hint_near(line) if item["type"] == "extra_forbidden" else None
        found.append(CatalogProblem(path, message + (f" {hint}" if hint else ""), line))
    return found


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
        document = _read_yaml(organismos_path, catalog.problems)
        if document is not None:
            try:
                parsed = OrganismosFile.model_validate(document.data)
            except ValidationError as exc:
                catalog.problems.extend(validation_problems(organismos_path, document, exc))
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
    document = _read_yaml(path, catalog.problems)
    if document is None:
        return
    try:
        dataset = Dataset.model_validate(document.data)
    except ValidationError as exc:
        catalog.problems.extend(validation_problems(path, document, exc))
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
