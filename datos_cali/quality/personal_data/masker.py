"""Hide personal data in anything a person or a log will read: `mask(column, value) -> str`.

Passed to `coerce(..., mask=)` and `validate(..., mask=)` so that the example a contract failure
shows («"abc" (fila 12)») never leaks a personal value. Two rules:

- a whole column the scan flagged (or declared public by law, or named like personal data) is
  always shown as `[dato personal oculto]`;
- in any other column, the pieces of a single value that a detector recognises (a phone, a
  cédula after «C.C.», an e-mail, an address, a person's name) are replaced, the rest is shown:
  «Llamar al [dato personal oculto]».
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from datos_cali import messages
from datos_cali.quality.personal_data.detectors import Detector
from datos_cali.quality.personal_data.patterns import DOTTED_ID_CELL, ID_CELL


class Masker:
    def __init__(
        self,
        columns: Iterable[str],
        detectors: Iterable[Detector],
        names: tuple[re.Pattern[str], object] | None = None,
    ):
        self.columns = frozenset(columns)
        self._detectors = [(d.pattern.python(), d.confirm) for d in detectors]
        if names is not None:
            self._detectors.append(names)
        self._id_cell = re.compile(f"{DOTTED_ID_CELL}|{ID_CELL}")

    def __call__(self, column: str | None, value: object) -> str:
        text = "" if value is None else str(value)
        if column in self.columns:
            return messages.MASKED
        return self.redact(text)

    def redact(self, text: str) -> str:
        """The value with every detected piece of personal data replaced."""
        spans = [
            match.span()
            for pattern, confirm in self._detectors
            for match in pattern.finditer(text)
            if confirm(text, match)
        ]
        if not spans and self._id_cell.fullmatch(text) and "." in text:
            spans = [(0, len(text))]  # a lone dotted number shaped like a cédula
        for start, end in reversed(_merge(spans)):
            text = text[:start] + messages.MASKED + text[end:]
        return text


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping detections (a cédula that is also NIT-shaped) become one hidden span."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
