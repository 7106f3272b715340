"""A complete, plausible run row for tests to vary."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

STARTED = datetime(2021, 3, 15, 14, 0, tzinfo=UTC)


def a_run(**overrides) -> dict:
    started = overrides.pop("started_at", STARTED)
    run = {
        "run_id": "6f1c8a52-8d0e-4a8e-9a57-0d3c4f3e2b10",
        "flow_run_id": "0b7f4c1e-prefect",
        "dataset": "contratos-secop",
        "organismo": "hacienda",
        "target": "datos.gov.co",
        "portal_url": "http://127.0.0.1:8000/d/abcd-1234",
        "asset_id": "abcd-1234",
        "source_kind": "inbox",
        "source_uri": "inbox/hacienda/contratos.csv",
        "source_file_name": "contratos.csv",
        "source_sha256": hashlib.sha256(b"contratos").hexdigest(),
        "source_bytes": 5_000_000_000,
        "rows": 1200,
        "columns": 14,
        "outcome": "published",
        "findings_count": 1,
        "errors_count": 0,
        "warnings_count": 1,
        "findings": [
            {"kind": "quality", "code": "pocas_filas", "message": "Menos de 50 filas en «Año»"}
        ],
        "quality_scores": {"completitud": 9.5, "unicidad": 10.0},
        "created": 1200,
        "updated": 0,
        "deleted": 0,
        "bytes_sent": 812_345,
        "requests_count": 3,
        "portal_request_ids": ["req-1", "req-2", "req-3"],
        "error_message": None,
        "report_path": "reports/contratos-secop/index.html",
        "started_at": started,
        "finished_at": started + timedelta(seconds=42.5),
        "timings": {"pull": 0.5, "read": 2.25, "publish": 39.75},
    }
    run.update(overrides)
    return run
