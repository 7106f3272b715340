"""What the benchmarks share: the catalog entry they imitate, a fixed clock, sizes, results."""

from __future__ import annotations

import datetime as dt
import platform
import resource
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(__file__).resolve().parent / ".work"  # gitignored scratch space
SLUG = "vacunacion-covid19"
NOW = dt.datetime(2023, 1, 15, 12, 0, tzinfo=dt.UTC)  # fixed, so every run scores alike


@dataclass(frozen=True)
class Sizes:
    b1_rows: int = 5_000_000
    b2_rows: int = 1_000_000
    b3_rows: int = 1_000_000
    b4_datasets: int = 500
    b4_rows: int = 1_000
    b7_rows: int = 5_000_000
    b8_clerks: int = 20
    b8_rows: int = 11_000  # about 1 MB
    b8_rounds: int = 3
    b11_rows: int = 1_000_000
    repeats: int = 3
    b5_repeats: int = 5

    @classmethod
    def quick(cls) -> Sizes:
        """Tiny sizes: the harness end to end in seconds (the smoke test runs this)."""
        return cls(
            b1_rows=30_000,
            b2_rows=5_000,
            b3_rows=5_000,
            b4_datasets=3,
            b4_rows=60,
            b7_rows=30_000,
            b8_clerks=3,
            b8_rows=1_000,
            b8_rounds=1,
            b11_rows=3_000,
            repeats=1,
            b5_repeats=1,
        )


@dataclass
class Figure:
    """One measured figure beside its baseline and its target."""

    name: str  # Spanish, for people
    value: float
    unit: str
    target: str  # e.g. "≤ 3,0"
    met: bool | None  # None: informative, no target
    baseline: str  # what it is compared with, and that measurement
    detail: dict = field(default_factory=dict)


@dataclass
class Result:
    id: str
    title: str
    figures: list[Figure]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def catalog_entry():
    """(dataset, contract, organismo, spec) of the vaccination entry the data imitates."""
    from datos_cali.catalog import load_catalog
    from datos_cali.contracts import load_contract
    from datos_cali.portals.spec import build_spec

    catalog = load_catalog(ROOT / "datasets")
    dataset = catalog.datasets[SLUG]
    contract = load_contract(dataset.schema_name, ROOT / "schemas")
    organismo = catalog.organismo_of(dataset)
    return dataset, contract, organismo, build_spec(dataset, contract, organismo)


def es(value: float, decimals: int = 0) -> str:
    """A number as Spanish text: «5 000 000», «1,36»."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",")


def own_peak_rss() -> int:
    """This process's peak resident memory so far, in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def machine() -> dict:
    """What ran the benchmarks (they are ratios, but the reader should know the box)."""
    import os

    import pandas
    import pyarrow

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            memory = int(info.readline().split()[1]) * 1024
    except OSError:
        memory = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 1024**3, 1),
        "python": platform.python_version(),
        "pyarrow": pyarrow.__version__,
        "pandas": pandas.__version__,
        "load_average": os.getloadavg(),
    }
