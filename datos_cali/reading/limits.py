"""How much a single submission may weigh before the reader refuses it instead of running out of
memory or time: bytes, uncompressed workbook size, columns, and cells (columns × rows).

Width and cells matter apart from bytes: a CSV of 100,000 columns weighs 890 KB but costs
seconds per column-wise check, and a workbook of 1.7 KB can declare 17 billion cells."""

from __future__ import annotations

import os

from datos_cali import messages
from datos_cali.findings import Kind
from datos_cali.reading.sniff import fail
from datos_cali.spanish import number

# Reading a CSV needs about 3× its size in memory (Arrow text, typed columns, the diff).
MEMORY_FACTOR = 3
XLSX_MAX_UNCOMPRESSED = 512 * 1024**2  # openpyxl holds every cell as a Python object
XLSX_MAX_RATIO = 200  # a real workbook compresses ~5–20×; a bomb compresses thousands of times
# PostgreSQL's limit on a table's columns: CKAN's DataStore (a table per resource) cannot hold
# more, and no real export of the organismos comes near it (the widest has about 60).
MAX_COLUMNS = 1600
# Cells (columns × rows) read before typing: 100 million is 11 million rows of the widest demo
# dataset (9 columns); the typed table and its checks need a few bytes to a few tens per cell.
MAX_CELLS = 100_000_000


def available_memory() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 * 1024**3


def max_file_bytes() -> int:
    """The largest file we accept: an explicit setting, or what memory allows."""
    configured = os.environ.get("DATOS_CALI_MAX_FILE_BYTES")
    if configured:
        return int(configured)
    return available_memory() // MEMORY_FACTOR


def xlsx_max_uncompressed() -> int:
    configured = os.environ.get("DATOS_CALI_XLSX_MAX_BYTES")
    return int(configured) if configured else XLSX_MAX_UNCOMPRESSED


def _positive(name: str, default: int) -> int:
    configured = os.environ.get(name, "").strip()
    return int(configured) if configured else default


def max_columns() -> int:
    return _positive("DATOS_CALI_MAX_COLUMNS", MAX_COLUMNS)


def max_cells() -> int:
    return _positive("DATOS_CALI_MAX_CELLS", MAX_CELLS)


def check_size(columns: int, rows: int) -> None:
    """Refuse a table too wide, or with too many cells, before anything types or checks it."""
    if columns > max_columns():
        raise fail(
            Kind.FORMAT,
            "demasiadas_columnas",
            messages.FORMAT_TOO_WIDE.format(limit=number(max_columns())),
        )
    if columns * rows > max_cells():
        raise fail(
            Kind.FORMAT,
            "demasiadas_celdas",
            messages.FORMAT_TOO_MANY_CELLS.format(limit=number(max_cells())),
        )
