"""Two runs of the same dataset at once never interleave their writes (a lock per dataset and
portal): the second waits, then finds the portal already current and sends nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from datos_cali.catalog.models import PortalName
from datos_cali.contracts import load_contract
from datos_cali.localportal import Credentials, FaultSettings, LocalPortal
from datos_cali.pipeline import prepare
from datos_cali.portals.credentials import SocrataCredentials
from datos_cali.portals.session import PortalSession
from datos_cali.precheck import precheck
from datos_cali.settings import paths
from tests.reliability.conftest import (
    ROOT,
    assert_portal_is_exactly,
    local_portal_env,
    to_csv_bytes,
    vaccination,
)
from tests.reliability.test_crash import PUBLISHER

CREDS = Credentials(
    app_token="token-concurrencia", key_id="id-concurrencia", key_secret="secreto-concurrencia"
)


def test_two_simultaneous_runs_of_one_dataset_do_not_interleave(keyed, mini, ledger, tmp_path):
    portal = LocalPortal(tmp_path / "portal", credentials=CREDS).start()
    try:
        data = to_csv_bytes(vaccination(3000))
        mini.drop_in_inbox("vacunas.csv", data)
        portal.set_faults(FaultSettings(latency_ms=40))
        env = {
            **os.environ,
            **local_portal_env(portal),
            "DATOS_CALI_CHUNK_ROWS": "200",
            "PYTHONPATH": str(ROOT),
        }
        runs = [
            subprocess.Popen([sys.executable, "-c", PUBLISHER.format(slug=keyed)], env=env)
            for _ in range(2)
        ]
        assert [run.wait(timeout=120) for run in runs] == [0, 0]
        portal.set_faults(FaultSettings())

        upserts = [
            e
            for e in portal.request_log()
            if e.method == "POST" and e.path.startswith("/resource/")
        ]
        assert sum(e.rows or 0 for e in upserts) == 3000  # every row sent once, not twice
        outcomes = sorted(r.outcome for r in ledger.runs(dataset=keyed))
        assert outcomes == ["published", "unchanged"]

        creds = SocrataCredentials.for_local(portal)
        job = prepare(keyed)
        source = paths().state / "fuente.csv"
        source.write_bytes(data)
        typed = precheck(
            source, job.dataset, load_contract(job.dataset.schema_name, paths().schemas)
        ).typed.frame
        with PortalSession(paths().state, {PortalName.DATOS_GOV_CO: creds}) as session:
            adapter = session.portal(job.dataset.targets[0].portal)
            asset = next(r.asset_id for r in ledger.runs(dataset=keyed) if r.outcome == "published")
            assert_portal_is_exactly(adapter, asset, job.spec, typed)
    finally:
        portal.stop()
