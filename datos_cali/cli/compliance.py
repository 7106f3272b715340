"""`datos-cali compliance …` commands (registered on `compliance_app`)."""

from datos_cali.cli.app import compliance_app  # noqa: F401  (commands are added in this module)
