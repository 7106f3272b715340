"""`datos-cali portal serve` — the embedded local portal."""

from datos_cali.cli.app import portal_app  # noqa: F401  (commands are added in this module)
