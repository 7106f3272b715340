"""Prefect flow that reads the portals' usage counters every day: thin over `datos_cali.usage`.

    collect_usage()   one snapshot per published asset and day → the office's usage figures
                      (dataset `uso-portales-datos-abiertos`) → published like any dataset

Collecting is idempotent (the day keeps its first reading), so transient portal failures are
retried. When a portal or an asset still cannot be read, what could be read is stored and
published, and then the flow run fails, so the office sees it.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from datos_cali.catalog import load_catalog
from datos_cali.settings import paths
from datos_cali.spanish import number
from datos_cali.usage import (
    USAGE_DATASET,
    CollectionFailed,
    Snapshot,
    collect,
    refresh_usage_figures,
)
from datos_cali_flows import common
from datos_cali_flows.publish import publish_dataset

KEPT = {True: "guardada", False: "ya había una hoy"}


@task(
    name="leer-contadores",
    **common.RETRY_TRANSIENT,
    cache_policy=NO_CACHE,
)
def collect_task(now: dt.datetime) -> list[Snapshot]:
    catalog = load_catalog(paths().catalog)
    try:
        return collect(common.portal_session(), common.ledger(), catalog, now)
    except CollectionFailed as exc:
        if exc.transient:
            raise common.TransientFailure(exc) from exc
        raise


@task(name="escribir-cifras-de-uso", cache_policy=NO_CACHE)
def figures_task(now: dt.datetime) -> str | None:
    where = paths()
    path = refresh_usage_figures(common.ledger(), load_catalog(where.catalog), where, now)
    return str(path) if path else None


@flow(name="recolectar-uso")
def collect_usage(now: dt.datetime | None = None, publish: bool = True) -> list[Snapshot]:
    """Lee las visitas y descargas de cada conjunto publicado y publica las cifras de uso."""
    moment = now or dt.datetime.now(dt.UTC)
    state = collect_task(moment, return_state=True)
    failed: CollectionFailed | None = None
    try:
        snapshots = state.result()
    except common.TransientFailure as exc:
        failed = exc.result
    except CollectionFailed as exc:
        failed = exc
    if failed is not None:
        snapshots = failed.snapshots
    figures = figures_task(moment)
    if figures and publish:
        publish_dataset(USAGE_DATASET)
    _artifacts(snapshots, failed)
    if failed is not None:
        raise failed
    return snapshots


def _artifacts(snapshots: list[Snapshot], failed: CollectionFailed | None) -> None:
    kept = sum(s.kept for s in snapshots)
    lines = [
        "# Lectura de uso de los portales",
        "",
        f"- **Lecturas:** {len(snapshots)} ({kept} guardadas, {len(snapshots) - kept} ya había una hoy)",
        f"- **Visitas acumuladas:** {number(sum(s.views for s in snapshots))}",
        f"- **Descargas acumuladas:** {number(sum(s.downloads for s in snapshots))}",
    ]
    if failed is not None:
        lines += ["", "## No se pudo leer", ""] + [f"- {f.message}" for f in failed.failures]
    create_markdown_artifact("\n".join(lines), key="lectura-uso", description="Lectura de uso")
    if snapshots:
        create_table_artifact(
            [
                {
                    "conjunto": s.dataset,
                    "portal": s.target,
                    "día": s.day.isoformat(),
                    "visitas": s.views,
                    "descargas": s.downloads,
                    "lectura": KEPT[s.kept],
                }
                for s in snapshots
            ],
            key="contadores-uso",
            description="Contadores acumulados leídos hoy",
        )
