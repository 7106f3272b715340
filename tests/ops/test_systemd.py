"""The systemd units in ops/systemd/: valid for systemd, and saying what the tests do.

`systemd-analyze verify` (Debian's `systemd` package, installed by `make system-deps`) checks
each unit as it would be installed, with the install prefix pointed at this checkout's venv.
The real-server suite stops its server and workers with the units' own stop signals.
"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import prefect.settings
import pytest
from prefect.runner._process_manager import ProcessManager

from datos_cali.deployments import WORK_POOL
from tests.fixtures import units

PREFIX = "/opt/datos-cali"
MISSING = (
    "No se encontró systemd-analyze. Ejecute «make system-deps» para instalar el paquete "
    "systemd de Debian: las unidades de ops/systemd/ se verifican con él."
)
# systemd-analyze verifies an instance, not a template.
INSTANCES = {units.SERVER_UNIT: units.SERVER_UNIT, units.WORKER_UNIT: "datos-cali-worker@1.service"}


def installed_copy(tmp_path: Path, name: str) -> Path:
    """The unit with /opt/datos-cali pointing at a tree whose venv is this checkout's."""
    install = tmp_path / "opt"
    (install / ".venv").mkdir(parents=True, exist_ok=True)
    bin_link = install / ".venv" / "bin"
    if not bin_link.exists():
        bin_link.symlink_to(Path(sys.executable).parent)
    text = (units.UNITS / name).read_text(encoding="utf-8").replace(PREFIX, str(install))
    copy = tmp_path / INSTANCES[name]
    copy.write_text(text, encoding="utf-8")
    return copy


@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_systemd_analyze_verifies_the_unit_without_a_word(name, tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail(MISSING, pytrace=False)
    done = subprocess.run(
        [analyze, "verify", str(installed_copy(tmp_path, name))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout + done.stderr == ""  # unknown keys and bad values are only warnings


def exec_start(name: str) -> list[str]:
    return units.service_value(name, "ExecStart", "").split()


def test_the_server_unit_runs_prefect_server_start():
    assert exec_start(units.SERVER_UNIT) == [f"{PREFIX}/.venv/bin/prefect", "server", "start"]
    assert units.stop_signal(units.SERVER_UNIT).name == "SIGTERM"


def test_the_worker_unit_runs_a_worker_of_the_deployments_pool_in_the_checkout():
    command = exec_start(units.WORKER_UNIT)
    assert command[:5] == [f"{PREFIX}/.venv/bin/prefect", "worker", "start", "--pool", WORK_POOL]
    environment = units.unit(units.WORKER_UNIT)["Service"]["Environment"]
    assert f"DATOS_CALI_HOME={PREFIX}" in environment


def test_the_worker_unit_stops_the_worker_as_prefect_expects():
    """SIGINT is the worker's stop request; only the worker gets it (Prefect stops its own
    flow-run processes), and systemd waits longer than Prefect's grace for them before
    SIGKILL."""
    prefect_grace = inspect.signature(ProcessManager.kill).parameters["grace_seconds"].default
    assert units.stop_signal(units.WORKER_UNIT).name == "SIGINT"
    assert units.service_value(units.WORKER_UNIT, "KillMode", "control-group") == "mixed"
    assert units.stop_timeout(units.WORKER_UNIT) > prefect_grace


def test_every_environment_file_has_its_example_and_sets_real_prefect_settings():
    for name in INSTANCES:
        for path in units.unit(name)["Service"]["EnvironmentFile"]:
            example = units.UNITS / f"{Path(path.lstrip('-')).name}.example"
            assert path.startswith("/etc/datos-cali/"), path
            assert example.is_file(), example
            for setting in re.findall(r"^#?(PREFECT_[A-Z0-9_]+)=", example.read_text(), re.M):
                assert hasattr(prefect.settings, setting), (example.name, setting)
        for line in units.unit(name)["Service"].get("Environment", []):
            setting = line.split("=", 1)[0]
            if setting.startswith("PREFECT_"):
                assert hasattr(prefect.settings, setting), (name, setting)
