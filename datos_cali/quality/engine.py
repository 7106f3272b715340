"""`assess(ctx)`: every criterion and every review code over one submission.

Findings come out in a stable order — review codes first, then each criterion below its
threshold in registry order — so two runs over the same file compare line by line.
"""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor

from datos_cali import deadline
from datos_cali.findings import Finding, Kind, Severity
from datos_cali.quality import messages
from datos_cali.quality.context import QualityContext
from datos_cali.quality.criteria import MODULES
from datos_cali.quality.model import Assessment, Criterion, Score
from datos_cali.quality.review import REVIEWS, review


def registry() -> list[Criterion]:
    """The 17 criteria, in the order of the MinTIC guide (and of every report)."""
    return [module.CRITERION for module in MODULES]


def known_quality_keys() -> list[str]:
    """What a dataset's `quality:` may name: the criteria and the review codes."""
    return [c.id for c in registry()] + list(REVIEWS)


class SettingsError(ValueError):
    """quality/criterios.yaml does not cover every criterion or review code; for people."""


def assess(ctx: QualityContext) -> Assessment:
    """The review codes (regexes over the raw text) run beside the criteria (statistics over
    the typed frame): neither reads what the other computes."""
    _check_settings(ctx)
    ctx.pii()  # both sides use it: scan before they start
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="revision") as pool:
        reviewing = pool.submit(contextvars.copy_context().run, review, ctx)
        scores = {}
        for criterion in registry():
            deadline.check(criterion.id)
            scores[criterion.id] = ctx.score_of(criterion.id)
        findings = _unknown_quality_keys(ctx) + reviewing.result()
    for criterion in registry():
        score = scores[criterion.id]
        if not score.passed and not _about_the_catalog(score):
            findings.append(_below_threshold(criterion, score))
            findings.extend(
                f.model_copy(update={"severity": score.severity}) for f in score.findings
            )
    return Assessment(findings=findings, scores=scores, overall=_overall(ctx, scores))


def _about_the_catalog(score: Score) -> bool:
    """Measured on the catalog's dates, not on the file (Actualidad in a pre-check): the
    office's metadata, which the person sending the file can neither see nor fix."""
    return score.evidence.get("referencia_es_publicacion", True) in (False, 0)


def _below_threshold(criterion: Criterion, score: Score) -> Finding:
    return Finding(
        kind=criterion.kind,
        code=f"criterio_{criterion.id}",
        severity=score.severity,
        count=1,
        message=messages.CRITERION_BELOW.format(
            name=criterion.name,
            value=messages.decimal(score.value),
            threshold=messages.decimal(score.threshold),
            hint=criterion.definition,
        ),
    )


def _overall(ctx: QualityContext, scores: dict[str, Score]) -> float:
    weights = {key: ctx.settings.criteria[key].weight for key in scores}
    total = sum(weights.values())
    if not total:
        return 0.0
    return round(sum(scores[key].value * weight for key, weight in weights.items()) / total, 1)


def _unknown_quality_keys(ctx: QualityContext) -> list[Finding]:
    known = known_quality_keys()
    return [
        Finding(
            kind=Kind.METADATA,
            code="clave_de_calidad_desconocida",
            severity=Severity.WARN,
            column=None,
            message=messages.UNKNOWN_QUALITY_KEY.format(key=key, known=", ".join(known)),
        )
        for key in ctx.dataset.quality
        if key not in known
    ]


def _check_settings(ctx: QualityContext) -> None:
    missing = [c.id for c in registry() if c.id not in ctx.settings.criteria]
    missing += [code for code in REVIEWS if code not in ctx.settings.review]
    if missing:
        raise SettingsError(messages.SETTINGS_INCOMPLETE.format(keys=", ".join(missing)))
