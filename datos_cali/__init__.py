"""datos-cali: the open-data publishing pipeline of the Alcaldía de Santiago de Cali."""

__version__ = "0.1.0"
