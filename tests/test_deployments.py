"""prefect.yaml stays generated from the catalog and names nothing of the deploying host.

The real server reads it in tests/server/test_deploy.py; these checks need no server.
"""

from __future__ import annotations

import importlib

import pytest
import yaml
from typer.testing import CliRunner

from datos_cali.cli.app import app
from datos_cali.deployments import PULL_STEP, enter_home


def test_prefect_yaml_is_up_to_date_with_the_catalog(project_root):
    result = CliRunner().invoke(app, ["deployments", "--check"])
    assert result.exit_code == 0, result.output
    assert "al día" in result.output


def test_a_stale_prefect_yaml_is_reported(project_root, tmp_path, monkeypatch):
    for folder in ("datasets", "schemas", "quality", "demo"):
        (tmp_path / folder).symlink_to(project_root / folder)
    (tmp_path / "prefect.yaml").write_text("# a mano\n", encoding="utf-8")
    monkeypatch.setenv("DATOS_CALI_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["deployments", "--check"])
    assert result.exit_code == 1
    assert "no está al día" in result.output


def test_the_only_pull_step_is_resolved_on_the_worker(project_root):
    document = yaml.safe_load((project_root / "prefect.yaml").read_text(encoding="utf-8"))
    assert document["pull"] == [{PULL_STEP: {}}]
    assert str(project_root) not in (project_root / "prefect.yaml").read_text(encoding="utf-8")
    assert "{{" not in (project_root / "prefect.yaml").read_text(encoding="utf-8")


def test_entrypoints_are_module_paths_of_flows_in_the_installed_package(project_root):
    document = yaml.safe_load((project_root / "prefect.yaml").read_text(encoding="utf-8"))
    from prefect import Flow

    for deployment in document["deployments"]:
        module, _, name = deployment["entrypoint"].rpartition(".")
        assert "/" not in module and ":" not in module, deployment["name"]
        assert isinstance(getattr(importlib.import_module(module), name), Flow)


def test_the_pull_step_names_a_function_that_exists():
    module, _, name = PULL_STEP.rpartition(".")
    assert getattr(importlib.import_module(module), name) is enter_home


def test_enter_home_enters_the_checkout_of_the_host_it_runs_on(tmp_path, monkeypatch):
    (tmp_path / "datasets").mkdir()
    monkeypatch.setenv("DATOS_CALI_HOME", str(tmp_path))
    assert enter_home() == {"directory": str(tmp_path)}


def test_enter_home_refuses_a_host_without_the_catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_HOME", str(tmp_path))
    with pytest.raises(RuntimeError, match="DATOS_CALI_HOME") as refused:
        enter_home()
    assert str(tmp_path / "datasets") in str(refused.value)
