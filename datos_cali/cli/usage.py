"""`datos-cali usage …` commands (registered on `usage_app`)."""

from datos_cali.cli.app import usage_app  # noqa: F401  (commands are added in this module)
