"""Quality tests reuse the CLI invoker of tests/cli (typer's CliRunner, stdout and stderr apart)."""

from tests.cli.conftest import cli  # noqa: F401  (a fixture, registered by importing it here)
