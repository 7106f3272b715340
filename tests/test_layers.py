"""The layers in pyproject's [tool.importlinter] hold, and `make lint` catches an import that
breaks them (checked on a copy of the code with one wrong import added)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _copy_of_the_code(where: Path) -> Path:
    """datos_cali and the flows, as they install (`datos_cali_flows`)."""
    shutil.copytree(ROOT / "datos_cali", where / "datos_cali")
    shutil.copytree(ROOT / "flows", where / "datos_cali_flows")
    return where


def _lint(where: Path) -> subprocess.CompletedProcess:
    """The project's contracts over the copy (found first on PYTHONPATH)."""
    env = {**os.environ, "PYTHONPATH": str(where)}
    command = [str(LINT), "--no-cache", "--config", str(ROOT / "pyproject.toml")]
    return subprocess.run(command, cwd=where, env=env, capture_output=True, text=True, timeout=300)


def test_the_code_keeps_its_layers(tmp_path):
    done = _lint(_copy_of_the_code(tmp_path))
    assert done.returncode == 0, done.stdout
    assert "4 kept, 0 broken" in done.stdout


def test_the_catalog_importing_the_pipeline_breaks_the_lint(tmp_path):
    where = _copy_of_the_code(tmp_path)
    (where / "datos_cali" / "catalog" / "atajo.py").write_text(
        "from datos_cali.pipeline import run_dataset\n", encoding="utf-8"
    )
    done = _lint(where)
    assert done.returncode == 1
    assert "Layers: cli → flows → application → domain → infrastructure → foundation BROKEN" in (
        done.stdout
    )
    assert "datos_cali.catalog.atajo -> datos_cali.pipeline" in done.stdout


def test_sodapy_outside_its_adapter_breaks_the_lint(tmp_path):
    where = _copy_of_the_code(tmp_path)
    (where / "datos_cali" / "portals" / "atajo.py").write_text("import sodapy\n", encoding="utf-8")
    done = _lint(where)
    assert done.returncode == 1
    assert "datos_cali.portals.atajo -> sodapy" in done.stdout
