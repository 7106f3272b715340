"""Which packages install, beside pyproject.toml (which holds everything else).

The Prefect flows live in the top-level `flows/` folder and install under a project-specific
name, `datos_cali_flows`, so `import flows` never means anyone else's package. pyproject's `packages.find` cannot rename a folder; this can.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["datos_cali", "datos_cali.*"]), "datos_cali_flows"],
    package_dir={"datos_cali_flows": "flows"},
)
