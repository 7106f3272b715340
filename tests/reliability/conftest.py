"""Shared pieces for the reliability suite: a keyed dataset, versions of it, and comparisons."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from datos_cali.portals.records import canonical_rows, differences
from tests.pipeline.conftest import ledger, mini, session  # noqa: F401  (shared fixtures)

ROOT = Path(__file__).resolve().parents[2]
VACUNACION = ROOT / "demo" / "vacunacion-covid19" / "vacunacion_covid19_cali.csv"


def local_portal_env(portal) -> dict[str, str]:
    """The variables that point a child process's `PortalSession` at a running local portal."""
    creds = portal.credentials
    return {
        "SOCRATA_DOMAIN": portal.domain,
        "SOCRATA_SCHEME": "http",
        "SOCRATA_APP_TOKEN": creds.app_token,
        "SOCRATA_KEY_ID": creds.key_id,
        "SOCRATA_KEY_SECRET": creds.key_secret,
        "CKAN_URL": portal.url,
        "CKAN_API_TOKEN": creds.ckan_token,
    }


def vaccination(rows: int = 3000) -> pd.DataFrame:
    """The demo vaccination file's first rows, as text (how an organismo sends it)."""
    return pd.read_csv(VACUNACION, dtype=str, nrows=rows, keep_default_na=False)


def evolve(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A next version: ~5 % of rows changed, some deleted, some added."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    changed = rng.choice(len(out), size=max(1, len(out) // 20), replace=False)
    out.loc[changed, "ips_vacunadora"] = f"IPS versión {seed}"
    out = out.drop(index=rng.choice(out.index, size=max(1, len(out) // 50), replace=False))
    added = out.sample(n=max(1, len(out) // 50), random_state=seed).copy()
    added["id_registro"] = [f"VAC-{8_000_000 + seed * 1000 + i:07d}" for i in range(len(added))]
    return pd.concat([out, added], ignore_index=True)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def portal_rows(portal, asset_id: str, spec) -> list[dict]:
    rows, offset = [], 0
    while True:
        page = portal.rows_page(asset_id, spec, offset, 50_000)
        rows.extend(page)
        if len(page) < 50_000:
            return rows
        offset += 50_000


def assert_portal_is_exactly(portal, asset_id: str, spec, typed_frame: pd.DataFrame) -> None:
    """Row by row by id: no duplicates, no losses, no extra rows, same values."""
    expected = {str(r[spec.row_identifier]): r for r in canonical_rows(typed_frame, spec)}
    actual_rows = portal_rows(portal, asset_id, spec)
    keys = [str(r[spec.row_identifier]) for r in actual_rows]
    assert len(keys) == len(set(keys)), "duplicate rows on the portal"
    assert set(keys) == set(expected), (
        len(set(keys) - set(expected)),
        len(set(expected) - set(keys)),
    )
    wrong = [
        k
        for k, row in zip(keys, actual_rows, strict=True)
        if differences(expected[k], row, spec.fields)
    ]
    assert not wrong, wrong[:5]


@pytest.fixture
def keyed(mini):  # noqa: F811
    """A keyed dataset (the vaccination contract) fed from the planeación inbox."""
    return mini.add(
        "vacunas-prueba",
        {"kind": "inbox", "pattern": "vacunas*"},
        template="vacunacion-covid19",
        row_identifier="id_registro",
    )
