"""How much a single submission may weigh before the reader refuses it instead of running out of memory."""

from __future__ import annotations

import os

# Reading a CSV needs about 3× its size in memory (Arrow text, typed columns, the diff).
MEMORY_FACTOR = 3
XLSX_MAX_UNCOMPRESSED = 512 * 1024**2  # openpyxl holds every cell as a Python object
XLSX_MAX_RATIO = 200  # a real workbook compresses ~5–20×; a bomb compresses thousands of times


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
