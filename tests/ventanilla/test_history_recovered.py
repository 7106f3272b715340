"""A submission whose run was recovered after its host died reads as published in the history."""

from __future__ import annotations

import datetime as dt

from datos_cali.outcomes import Outcome
from datos_cali.ventanilla.history import STATES, Submission, TargetState


def test_a_recovered_publication_is_published_for_the_clerk():
    at = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    recovered = TargetState(
        "datos.gov.co", Outcome.RECOVERED.value, Outcome.RECOVERED.label, None, at, ""
    )
    unchanged = TargetState(
        "datos.cali.gov.co", Outcome.UNCHANGED.value, Outcome.UNCHANGED.label, None, at, ""
    )
    sent = Submission(upload=None, receipt=object(), targets=[recovered, unchanged])
    assert sent.state == Outcome.PUBLISHED.value
    assert sent.state_label == STATES[Outcome.PUBLISHED.value]
    assert sent.published_at == at
