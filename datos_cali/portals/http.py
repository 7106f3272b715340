"""HTTP sessions that survive throttling and flaky networks (urllib3 `Retry`), for every adapter.

Two policies: `idempotent` retries any method on connection errors, timeouts, 429 (honouring
Retry-After) and 5xx — right for reads and for upserts, which are idempotent; `careful` retries
only what certainly did not reach the portal (connection refused, 429), for creations.
"""

from __future__ import annotations

import os

from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)


def _float_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def backoff() -> float:
    """First wait between attempts, in seconds (`DATOS_CALI_BACKOFF`, 0.5); doubles each time."""
    return _float_env("DATOS_CALI_BACKOFF", 0.5)


def read_timeout() -> float:
    return _float_env("DATOS_CALI_READ_TIMEOUT", 60.0)


def write_timeout() -> float:
    """Writes of 10,000 rows can take minutes on a busy portal: the default is 5 minutes."""
    return _float_env("DATOS_CALI_WRITE_TIMEOUT", 300.0)


def idempotent_adapter(total: int | None = None) -> HTTPAdapter:
    retries = Retry(
        total=int(_float_env("DATOS_CALI_RETRIES", 8)) if total is None else total,
        backoff_factor=backoff(),
        backoff_max=30,
        backoff_jitter=0.2,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # every method: our writes are idempotent upserts
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    return HTTPAdapter(max_retries=retries, pool_maxsize=8)


def careful_adapter() -> HTTPAdapter:
    retries = Retry(
        total=6,
        connect=6,
        read=0,
        status=6,
        other=0,
        backoff_factor=backoff(),
        backoff_max=30,
        status_forcelist=(429,),
        allowed_methods=None,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    return HTTPAdapter(max_retries=retries, pool_maxsize=2)
