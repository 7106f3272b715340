"""Where the project's files live, which environment variables change that, and the office's
time zone.

The library never reads `../shared`: the catalog, schemas and demo data ship in the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The office's time zone (UTC−5 all year): schedules, office days, report times.
OFFICE_TIMEZONE = "America/Bogota"
OFFICE_ZONE = ZoneInfo(OFFICE_TIMEZONE)


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Paths:
    """The folders a run reads and writes; every one can be moved by an environment variable."""

    root: Path
    catalog: Path
    schemas: Path
    quality: Path
    demo: Path
    state: Path

    @property
    def inbox(self) -> Path:
        return self.state / "inbox"

    @property
    def archive(self) -> Path:
        return self.state / "archive"

    @property
    def reports(self) -> Path:
        return self.state / "reports"


def paths() -> Paths:
    root = _env_path("DATOS_CALI_HOME", PROJECT_ROOT)
    return Paths(
        root=root,
        catalog=_env_path("DATOS_CALI_CATALOG", root / "datasets"),
        schemas=_env_path("DATOS_CALI_SCHEMAS", root / "schemas"),
        quality=_env_path("DATOS_CALI_QUALITY", root / "quality"),
        demo=_env_path("DATOS_CALI_DEMO", root / "demo"),
        state=_env_path("DATOS_CALI_STATE", root / ".datos-cali"),
    )
