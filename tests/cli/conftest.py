import json

import pytest
from typer.testing import CliRunner

from datos_cali.cli.app import app


class Invoker:
    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args):
        return self.runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    def json(self, *args):
        result = self(*args, "--json")
        return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def cli():
    return Invoker()
