"""`analyse(raw, …)`: the one pass the pre-check and the publish flow share.

Order matters: the personal-data scan reads the submission as sent (every column, as text)
before anything types it, so the masker it returns is already in place when the contract step
writes examples of bad values.

    read → match headers → personal data (raw text) → coerce(mask) → validate(mask) → assess
"""

from __future__ import annotations

import contextvars
import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from datos_cali.catalog.models import Dataset, Organismo
from datos_cali.contracts.coerce import (
    TypedTable,
    coerce,
    match_headers,
    resolve_repeated_headers,
)
from datos_cali.contracts.schema import Contract
from datos_cali.contracts.validate import validate
from datos_cali.findings import Finding, blocking
from datos_cali.quality.context import QualityContext
from datos_cali.quality.engine import assess
from datos_cali.quality.model import Assessment, Score
from datos_cali.quality.personal_data import Masker, PersonalData, scan_personal_data
from datos_cali.quality.small_cells import small_cells
from datos_cali.reading.table import RawTable


@dataclass
class Analysis:
    typed: TypedTable
    findings: list[Finding]  # reading, personal data, small cells, contract, quality — in order
    scores: dict[str, Score]
    pii: PersonalData
    masker: Masker
    assessment: Assessment

    @property
    def publishable(self) -> bool:
        return not blocking(self.findings)

    def score_values(self) -> dict[str, float]:
        return self.assessment.values()


@dataclass
class Prepared:
    """The steps before scoring: what `assess` needs, and what the flows publish."""

    typed: TypedTable
    pii: PersonalData
    contract_findings: list[Finding]
    context: QualityContext


def prepare(
    raw: RawTable,
    dataset: Dataset,
    contract: Contract,
    *,
    now: dt.datetime,
    last_updated: dt.datetime | None = None,
    organismo: Organismo | None = None,
) -> Prepared:
    """Personal data on the raw text, then the contract with every example masked.

    The scan and the contract both only read the raw table, so they run side by side (Arrow
    releases the interpreter while it works); an example of a bad value waits for the scan's
    masker before it is written, so nothing is shown unmasked.
    """
    aliases = {name: doc.aliases for name, doc in dataset.columns.items()}
    positions = dataset.positions()
    mapping, _ = match_headers(raw, contract, aliases, positions)  # coerce reports the findings
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="datos-personales") as pool:
        scanning = pool.submit(
            contextvars.copy_context().run,  # the file's time budget goes with it
            scan_personal_data,
            raw,
            dataset,
            mapping=mapping,
            contract=contract,
        )
        mask = _ScanMasker(scanning)
        typed = coerce(
            raw,
            contract,
            aliases=aliases,
            decimal=dataset.reading.decimal,
            mask=mask,
            positions=positions,
            null_markers=dataset.reading.null_markers,
        )
        contract_findings = typed.findings + validate(typed, contract, mask=mask)
        pii = scanning.result()
    context = QualityContext.build(
        typed,
        raw,
        dataset,
        contract,
        now=now,
        last_updated=last_updated,
        organismo=organismo,
        personal_data=pii,
        contract_findings=contract_findings,
        positions=mapping,
    )
    return Prepared(typed, pii, contract_findings, context)


class _ScanMasker:
    """The personal-data masker, once the scan running beside the contract has produced it."""

    def __init__(self, scanning: Future):
        self._scanning = scanning

    def __call__(self, column: str | None, value: object) -> str:
        return self._scanning.result().masker(column, value)


def analyse(
    raw: RawTable,
    dataset: Dataset,
    contract: Contract,
    *,
    now: dt.datetime,
    last_updated: dt.datetime | None = None,
    organismo: Organismo | None = None,
) -> Analysis:
    """Everything that decides whether `raw` may be published, and how well it scores."""
    prepared = prepare(
        raw, dataset, contract, now=now, last_updated=last_updated, organismo=organismo
    )
    typed, pii = prepared.typed, prepared.pii
    assessment = assess(prepared.context)
    findings = [
        *resolve_repeated_headers(raw.findings, raw, dataset.positions()),
        *pii.findings,
        *small_cells(typed.columns, typed.row_numbers, dataset, typed.headers),
        *prepared.contract_findings,
        *assessment.findings,
    ]
    findings = with_headers(findings, typed.headers)
    return Analysis(typed, findings, assessment.scores, pii, pii.masker, assessment)


def with_headers(findings: list[Finding], headers: dict[str, str]) -> list[Finding]:
    """Each finding about a contract field also names the header as written in the file."""
    return [
        f.model_copy(update={"header": headers[f.column]})
        if f.header is None and f.column in headers
        else f
        for f in findings
    ]
