"""Prefect flows, installed as `datos_cali_flows`: thin wrappers over the datos_cali library.

Deployments load them by path (`flows/publish.py:publish_dataset`); inside, they import each
other by the package name, so a flow file loaded by path and the package share one module state.
"""
