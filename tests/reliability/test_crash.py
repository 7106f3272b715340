"""Crash safety: `kill -9` in the middle of publishing, then run again.

The portal runs in this test process (it survives); the publisher is a separate process that
is killed once its upserts have started landing. Afterwards the raw submission is archived,
"last published" still describes the previous version (it never runs ahead of the portal),
the ledger has no publication of the new version, and the next run converges to the source.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

import numpy as np

from datos_cali import archive
from datos_cali.catalog.models import PortalName
from datos_cali.contracts import load_contract
from datos_cali.localportal import Credentials, FaultSettings, LocalPortal
from datos_cali.pipeline import prepare, run_dataset
from datos_cali.portals.credentials import SocrataCredentials
from datos_cali.portals.session import PortalSession
from datos_cali.portals.state import PublicationState
from datos_cali.precheck import precheck
from datos_cali.settings import paths
from tests.reliability.conftest import (
    ROOT,
    assert_portal_is_exactly,
    local_portal_env,
    to_csv_bytes,
    vaccination,
)

CREDS = Credentials(
    app_token="token-prueba-choque", key_id="id-prueba-choque", key_secret="secreto-prueba-choque"
)
PUBLISHER = """
from datos_cali.ledger import open_ledger
from datos_cali.pipeline import run_dataset
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths
with PortalSession.configured(paths().state) as session, open_ledger() as ledger:
    run_dataset({slug!r}, session, ledger)
"""


def test_kill_9_mid_publish_never_runs_ahead_and_the_next_run_converges(
    keyed, mini, ledger, tmp_path
):
    portal = LocalPortal(tmp_path / "portal", credentials=CREDS).start()
    try:
        creds = SocrataCredentials.for_local(portal)
        version_a = vaccination(4000)
        mini.drop_in_inbox("vacunas.csv", to_csv_bytes(version_a))
        with PortalSession(paths().state, {PortalName.DATOS_GOV_CO: creds}) as session:
            assert run_dataset(keyed, session, ledger).outcome == "published"
            adapter = session.portal(prepare(keyed).dataset.targets[0].portal)
        state = PublicationState(paths().state, adapter.key)
        before = state.last(keyed)

        version_b = version_a.copy()
        changed = np.arange(0, 4000, 2)
        version_b.loc[changed, "ips_vacunadora"] = "IPS nueva"
        data_b = to_csv_bytes(version_b)
        mini.drop_in_inbox("vacunas.csv", data_b)
        portal.clear_request_log()
        portal.set_faults(FaultSettings(latency_ms=150))

        env = {
            **os.environ,
            **local_portal_env(portal),
            "DATOS_CALI_CHUNK_ROWS": "100",
            "PYTHONPATH": str(ROOT),
        }
        child = subprocess.Popen([sys.executable, "-c", PUBLISHER.format(slug=keyed)], env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            upserts = [
                e
                for e in portal.request_log()
                if e.method == "POST" and e.path.startswith("/resource/")
            ]
            if len(upserts) >= 3:
                break
            assert child.poll() is None, "the publisher ended before it could be killed"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        portal.set_faults(FaultSettings())

        sha_b = hashlib.sha256(data_b).hexdigest()
        assert archive.verify(sha_b)  # what was sent is kept
        after = state.last(keyed)
        assert (
            after.published_at == before.published_at
            and after.source_sha256 == before.source_sha256
        )
        assert np.array_equal(after.snapshot.hashes, before.snapshot.hashes)  # never ahead
        assert not [r for r in ledger.runs(dataset=keyed) if r.source_sha256 == sha_b]
        on_portal = adapter.rows_by_key(
            before.asset_id, prepare(keyed).spec, [f"VAC-{i + 1:07d}" for i in changed[:400]]
        )
        landed = sum(row["ips_vacunadora"] == "IPS nueva" for row in on_portal)
        assert 0 < landed < len(changed)  # the kill really happened mid-publish

        with PortalSession(paths().state, {PortalName.DATOS_GOV_CO: creds}) as session:
            rerun = run_dataset(keyed, session, ledger)
            assert rerun.outcome == "published"
            job = prepare(keyed)
            source = paths().state / "fuente.csv"
            source.write_bytes(data_b)
            typed = precheck(
                source, job.dataset, load_contract(job.dataset.schema_name, paths().schemas)
            ).typed.frame
            assert_portal_is_exactly(
                session.portal(job.dataset.targets[0].portal), before.asset_id, job.spec, typed
            )
        assert state.last(keyed).source_sha256 == sha_b
    finally:
        portal.stop()
