"""Small cells in aggregated sensitive data: counts 1–4 get the treatment the catalog declares."""

from datos_cali.findings import Kind, Severity
from datos_cali.quality import analyse
from tests.quality.builders import build

COUNTS = {"comuna": ["Comuna 1", "Comuna 2", "Comuna 3", "Comuna 4", "Comuna 5", "Comuna 6"]}
COUNTS["casos"] = ["0", "1", "4", "5", "12", "3"]


def small(tmp_path, treatment):
    prepared = build(
        tmp_path,
        COUNTS,
        kinds={"casos": "integer"},
        dataset={
            "privacy": {
                "aggregated": True,
                "small_cells": {"columns": ["casos"], "treatment": treatment},
            }
        },
    )
    analysis = analyse(
        prepared.context.raw,
        prepared.context.dataset,
        prepared.context.contract,
        now=prepared.context.now,
    )
    return [f for f in analysis.findings if f.code == "celdas_pequenas"]


def test_counts_from_1_to_4_warn_with_rows(tmp_path):
    (finding,) = small(tmp_path, "warn")
    assert (finding.kind, finding.severity, finding.column) == (Kind.PII, Severity.WARN, "casos")
    assert finding.count == 3 and finding.rows == [3, 4, 7]  # 1, 4 and 3; not 0, 5 or 12


def test_the_catalog_can_make_them_block(tmp_path):
    (finding,) = small(tmp_path, "block")
    assert finding.severity == Severity.BLOCK


def test_no_declaration_no_finding(tmp_path):
    prepared = build(tmp_path, COUNTS, kinds={"casos": "integer"})
    ctx = prepared.context
    analysis = analyse(ctx.raw, ctx.dataset, ctx.contract, now=ctx.now)
    assert not [f for f in analysis.findings if f.code == "celdas_pequenas"]
