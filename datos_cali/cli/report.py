"""`datos-cali report …` commands (registered on `report_app`)."""

from datos_cali.cli.app import report_app  # noqa: F401  (commands are added in this module)
