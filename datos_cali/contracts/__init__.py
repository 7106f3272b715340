"""Contracts: pandera schemas in YAML (`schemas/<slug>.yaml`) and what a submission must satisfy."""

from datos_cali.contracts.schema import Contract, ContractError, load_contract

__all__ = ["Contract", "ContractError", "load_contract"]
