"""Prefect flows: thin wrappers over the datos_cali library."""
