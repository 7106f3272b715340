"""The exact pins of pyproject.toml are the ones constraints.txt installs.

pyproject.toml says why a pin with a reason exists (SQLAlchemy 2.0 for Prefect's scheduler,
FastAPI 0.150 for Prefect's client); constraints.txt must never disagree with it.
"""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def exact_pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for line in requirements:
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        if len(specifiers) == 1 and specifiers[0].operator == "==":
            pins[canonicalize_name(requirement.name)] = specifiers[0].version
    return pins


def test_constraints_agree_with_every_exact_pin_of_pyproject(project_root):
    project = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = exact_pins(project["project"]["dependencies"])
    for group in project["project"]["optional-dependencies"].values():
        wanted |= exact_pins(group)
    constrained = {}
    for line in (project_root / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip()):
            constrained[canonicalize_name(match[1])] = match[2]
    assert {"sqlalchemy", "fastapi", "prefect"} <= set(wanted) | set(constrained)
    disagree = {
        name: (version, constrained.get(name))
        for name, version in wanted.items()
        if constrained.get(name) != version
    }
    assert disagree == {}


def test_the_pins_that_keep_a_real_prefect_server_working_say_why(project_root):
    text = (project_root / "pyproject.toml").read_text(encoding="utf-8")
    for pin in ('"sqlalchemy==2.0.', '"fastapi==0.150.'):
        comment = text[: text.index(pin)].rsplit('",', 1)[1]
        assert "tests/server" in comment, pin
