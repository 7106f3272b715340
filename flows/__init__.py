"""Prefect flows, installed as `datos_cali_flows`: thin wrappers over the datos_cali library.

Deployments name them by module path (`datos_cali_flows.publish.publish_dataset`), so any worker
host with the project installed can run them, wherever its copy lives.
"""
