"""Prefect flow for the monthly compliance report: thin over `datos_cali.compliance`.

report_compliance()   each organismo's plan, currency, new and updated → the office's
                      compliance figures (dataset `cumplimiento-plan-apertura`) → published
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from datos_cali.catalog import load_catalog
from datos_cali.compliance import (
    COMPLIANCE_DATASET,
    ComplianceReport,
    compliance_from_ledger,
    refresh_compliance_figures,
)
from datos_cali.settings import paths
from datos_cali.spanish import percent
from datos_cali_flows import common
from datos_cali_flows.publish import publish_dataset


@task(name="calcular-cumplimiento", cache_policy=NO_CACHE)
def report_task(year: int | None, now: dt.datetime) -> ComplianceReport:
    return compliance_from_ledger(common.ledger(), load_catalog(paths().catalog), year, now)


@task(name="escribir-cifras-de-cumplimiento", cache_policy=NO_CACHE)
def figures_task(now: dt.datetime) -> str | None:
    where = paths()
    path = refresh_compliance_figures(common.ledger(), load_catalog(where.catalog), where, now)
    return str(path) if path else None


@flow(name="informe-cumplimiento")
def report_compliance(
    year: int | None = None, now: dt.datetime | None = None, publish: bool = True
) -> ComplianceReport:
    """Calcula el cumplimiento del plan de apertura por organismo y publica sus cifras."""
    moment = now or dt.datetime.now(dt.UTC)
    report = report_task(year, moment)
    if figures_task(moment) and publish:
        publish_dataset(COMPLIANCE_DATASET)
    _artifacts(report)
    return report


def _artifacts(report: ComplianceReport) -> None:
    total = report.overall
    lines = [
        f"# Cumplimiento del plan de apertura {report.year}",
        "",
        f"- **Publicados:** {total.published} de {total.committed} ({percent(total.share_published)})",
        f"- **A tiempo:** {total.on_time} ({percent(total.share_on_time)})",
        f"- **Desactualizados:** {len(total.stale)}",
        f"- **Nuevos / actualizados:** {len(total.new)} / {len(total.updated)}",
    ]
    create_markdown_artifact(
        "\n".join(lines), key="cumplimiento", description="Cumplimiento del plan"
    )
    create_table_artifact(
        [
            {
                "organismo": o.name,
                "comprometidos": o.committed,
                "publicados": o.published,
                "a tiempo": o.on_time,
                "% publicados": percent(o.share_published),
                "desactualizados": len(o.stale),
                "nuevos": len(o.new),
                "actualizados": len(o.updated),
            }
            for o in report.organismos
        ],
        key="cumplimiento-por-organismo",
        description="Cumplimiento por organismo",
    )
