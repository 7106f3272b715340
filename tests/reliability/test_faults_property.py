"""Property: whatever faults the portal injects, after the run the portal holds exactly the
source rows (row by row by id), with no duplicates and no losses, and the ledger tells what
happened. A few seeds run by default; fifty run in the slow suite (`make test-slow`, CI)."""

from __future__ import annotations

import numpy as np
import pytest

from datos_cali.contracts import load_contract
from datos_cali.localportal import FaultSettings
from datos_cali.pipeline import prepare, run_dataset
from datos_cali.precheck import precheck
from datos_cali.settings import paths
from tests.reliability.conftest import assert_portal_is_exactly, evolve, to_csv_bytes, vaccination

MAX_ATTEMPTS = 25


def faults_for(seed: int) -> FaultSettings:
    rng = np.random.default_rng(seed)
    return FaultSettings(
        seed=seed,
        rate_429=float(rng.uniform(0.05, 0.2)),
        rate_500=float(rng.uniform(0, 0.1)),
        rate_502=float(rng.uniform(0, 0.05)),
        rate_503=float(rng.uniform(0, 0.1)),
        rate_timeout=float(rng.uniform(0, 0.03)),
        rate_reset=float(rng.uniform(0.02, 0.1)),
        rate_after_write=float(rng.uniform(0.02, 0.1)),
        latency_ms=int(rng.integers(0, 5)),
        timeout_seconds=2.0,
        retry_after=0,
    )


def converge(slug: str, session, ledger, mini, data: bytes) -> None:
    """Drop a submission and run until it is published (the flow retries the same way)."""
    mini.drop_in_inbox("vacunas.csv", data)
    for _attempt in range(MAX_ATTEMPTS):
        run = run_dataset(slug, session, ledger)
        if run.outcome in ("published", "unchanged"):
            return
        assert run.outcome == "failed", run.message
        for target in run.targets:
            assert target.error, "a failed target must say why"
        mini.drop_in_inbox("vacunas.csv", data)  # a failed run leaves the file; make sure
    raise AssertionError(f"did not converge in {MAX_ATTEMPTS} runs")


def check_seed(seed: int, keyed, mini, session, ledger, monkeypatch) -> None:
    monkeypatch.setenv("DATOS_CALI_BACKOFF", "0.01")
    monkeypatch.setenv("DATOS_CALI_RETRIES", "2")  # let faults reach the run, not only urllib3
    monkeypatch.setenv("DATOS_CALI_CHUNK_ROWS", "150")
    monkeypatch.setenv("DATOS_CALI_READ_TIMEOUT", "1")
    monkeypatch.setenv("DATOS_CALI_WRITE_TIMEOUT", "1")
    session.local.set_faults(faults_for(seed))
    job = prepare(keyed)
    contract = load_contract(job.dataset.schema_name, paths().schemas)
    version = vaccination(1500)
    for generation in range(3):
        if generation:
            version = evolve(version, seed * 10 + generation)
        data = to_csv_bytes(version)
        converge(keyed, session, ledger, mini, data)
        session.local.set_faults(FaultSettings())  # read back without faults
        source = paths().state / "fuente.csv"
        source.write_bytes(data)
        typed = precheck(source, job.dataset, contract).typed.frame
        portal = session.portal(job.dataset.targets[0].portal)
        asset = session_asset(session, keyed, portal)
        assert_portal_is_exactly(portal, asset, job.spec, typed)
        session.local.set_faults(faults_for(seed + generation + 1))
    history = ledger.runs(dataset=keyed)
    assert history[0].outcome in ("published", "unchanged")
    failed = [r for r in history if r.outcome == "failed"]
    assert all(r.error_message for r in failed)
    injected = [e.fault for e in session.local.request_log() if e.fault]
    assert len(injected) >= 3  # faults really happened


def session_asset(session, slug, portal) -> str:
    from datos_cali.portals.state import PublicationState

    return PublicationState(paths().state, portal.key).asset_id(slug)


@pytest.mark.parametrize("seed", [3, 17])
def test_publishing_converges_to_the_exact_source_under_faults(
    seed, keyed, mini, session, ledger, monkeypatch
):
    check_seed(seed, keyed, mini, session, ledger, monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 150))
def test_fifty_random_fault_seeds(seed, keyed, mini, session, ledger, monkeypatch):
    check_seed(seed, keyed, mini, session, ledger, monkeypatch)
