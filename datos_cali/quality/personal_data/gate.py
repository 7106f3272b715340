"""The personal-data gate: from what the scan saw to what may be published, as findings.

The rules, in the order a reviewer applies them (Ley 1581 de 2012, Ley 1712 de 2014):

- a column the contract does not publish is dropped before publication: its personal data is a
  warning (it never leaves), not a block;
- a column the catalog declares public by law passes, with an info finding citing the basis;
- a column the catalog declares as public places (addresses or names of sedes, escenarios…)
  passes its addresses and names, with an info finding citing the reason;
- a column whose values are personal data (confirmed by a detector) blocks;
- a column named like an identifier or contact data whose values do not confirm it warns;
- a sensitive category (health, ethnicity, sexual life, beliefs, biometrics) blocks unless the
  dataset is declared sensitive; an aggregated dataset not declared sensitive only warns;
- a dataset declared sensitive passes with an info finding when it has no direct identifiers,
  and blocks when it has them; identifiers next to signs of minors block on their own too.
"""

from __future__ import annotations

import numpy as np

from datos_cali.catalog.models import Dataset
from datos_cali.findings import Finding, Kind, Severity, first_rows
from datos_cali.quality import messages
from datos_cali.quality.personal_data.detectors import LABELS
from datos_cali.quality.personal_data.scan import ColumnScan


def judge(scans: list[ColumnScan], dataset: Dataset, row_numbers: np.ndarray) -> list[Finding]:
    findings: list[Finding] = []
    identified: list[ColumnScan] = []
    for scan in scans:
        if not scan.published:
            findings.extend(_unpublished(scan, row_numbers))
            continue
        if scan.public_basis is not None:
            findings.append(_public_by_law(scan))
            continue
        if scan.place_basis is not None:
            findings.append(_public_places(scan))
        if scan.detections:
            identified.append(scan)
            findings.append(_personal(scan, row_numbers))
        elif _named_like_personal(scan):
            findings.append(_name_only(scan))
        if scan.sensitive_category and not dataset.privacy.sensitive:
            findings.append(_sensitive_undeclared(scan, aggregated=dataset.privacy.aggregated))
    if dataset.privacy.sensitive:
        findings.append(_declared_sensitive(identified))
    minors = [scan for scan in scans if scan.minors and scan.published]
    if identified and minors:
        findings.append(_minors(minors, identified, row_numbers))
    return findings


def _public_by_law(scan: ColumnScan) -> Finding:
    return Finding(
        kind=Kind.PII,
        code="dato_publico_por_ley",
        severity=Severity.INFO,
        column=scan.key,
        count=scan.non_empty,
        message=messages.PII_PUBLIC_BY_LAW.format(header=scan.header, basis=scan.public_basis),
    )


def _public_places(scan: ColumnScan) -> Finding:
    return Finding(
        kind=Kind.PII,
        code="lugares_publicos",
        severity=Severity.INFO,
        column=scan.key,
        header=scan.header,
        count=scan.non_empty,
        message=messages.PII_PUBLIC_PLACES.format(header=scan.header, basis=scan.place_basis),
    )


def _unpublished(scan: ColumnScan, row_numbers: np.ndarray) -> list[Finding]:
    """A column outside the contract never leaves: what it holds is a warning to the organismo."""
    if not scan.detections and not scan.sensitive_category:
        return []
    what = ", ".join(dict.fromkeys(LABELS[d] for d in scan.detections))
    if scan.sensitive_category:
        what = ", ".join(filter(None, [what, scan.sensitive_category]))
    positions = scan.hit_positions
    return [
        Finding(
            kind=Kind.PII,
            code="dato_personal_no_publicado",
            severity=Severity.WARN,
            column=scan.key,
            header=scan.header,
            count=len(positions) or scan.non_empty,
            rows=first_rows(row_numbers[positions]),
            message=messages.PII_UNPUBLISHED.format(header=scan.header, what=what),
        )
    ]


def _personal(scan: ColumnScan, row_numbers: np.ndarray) -> Finding:
    positions = scan.hit_positions
    count = len(positions)
    what = ", ".join(dict.fromkeys(LABELS[d] for d in scan.detections))
    sampled = scan.sampled_rows is not None and "nombre" in scan.detections
    template = messages.PII_FOUND_SAMPLED if sampled else messages.PII_FOUND
    return Finding(
        kind=Kind.PII,
        code="dato_personal",
        column=scan.key,
        count=count,
        rows=first_rows(row_numbers[positions]),
        message=template.format(
            header=scan.header,
            what=what,
            count=count,
            filas=messages.rows_word(count),
            sample=scan.sampled_rows,
        ),
    )


def _named_like_personal(scan: ColumnScan) -> bool:
    match = scan.name_match
    return bool(match and not match.sensitive and match.weight >= 2 and scan.non_empty)


def _name_only(scan: ColumnScan) -> Finding:
    return Finding(
        kind=Kind.PII,
        code="posible_dato_personal",
        severity=Severity.WARN,
        column=scan.key,
        count=scan.non_empty,
        message=messages.PII_NAME_ONLY.format(
            header=scan.header, category=scan.name_match.category
        ),
    )


def _sensitive_undeclared(scan: ColumnScan, *, aggregated: bool) -> Finding:
    template = (
        messages.PII_SENSITIVE_AGGREGATED if aggregated else messages.PII_SENSITIVE_UNDECLARED
    )
    return Finding(
        kind=Kind.PII,
        code="dato_sensible_no_declarado" if aggregated else "dato_sensible",
        severity=Severity.WARN if aggregated else Severity.BLOCK,
        column=scan.key,
        count=scan.non_empty,
        message=template.format(header=scan.header, category=scan.sensitive_category),
    )


def _declared_sensitive(identified: list[ColumnScan]) -> Finding:
    if not identified:
        return Finding(
            kind=Kind.PII,
            code="publicado_sin_identificar",
            severity=Severity.INFO,
            count=0,
            message=messages.PII_SENSITIVE_DEIDENTIFIED.format(what=messages.SENSITIVE_DECLARED),
        )
    columns = ", ".join(f"«{scan.header}»" for scan in identified)
    return Finding(
        kind=Kind.PII,
        code="sensible_con_identificadores",
        count=len(identified),
        message=messages.PII_SENSITIVE_IDENTIFIED.format(columns=columns),
    )


def _minors(
    minors: list[ColumnScan], identified: list[ColumnScan], row_numbers: np.ndarray
) -> Finding:
    where = ", ".join(messages.MINORS_BY_COLUMN.format(header=scan.header) for scan in minors)
    positions = np.unique(np.concatenate([scan.hit_positions for scan in identified]))
    return Finding(
        kind=Kind.PII,
        code="menores_identificables",
        count=len(positions),
        rows=first_rows(row_numbers[positions]),
        message=messages.PII_MINORS.format(where=where),
    )
