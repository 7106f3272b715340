"""Fault injection: which requests to /api and /resource the local portal answers badly.

The reliability work (issue 9) needs a portal that throttles, fails and drops connections the way
real portals do, but reproducibly: a seeded RNG draws one number per faulted request, so a given
seed and request sequence always injects the same faults.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, fields

THROTTLED = "429"
SERVER_ERROR = "500"
BAD_GATEWAY = "502"
UNAVAILABLE = "503"
TIMEOUT = "timeout"
RESET = "reset"
AFTER_WRITE = "after_write"

# The order in which the rates share the unit interval; part of the determinism contract.
_BUCKETS = (
    ("rate_429", THROTTLED),
    ("rate_500", SERVER_ERROR),
    ("rate_502", BAD_GATEWAY),
    ("rate_503", UNAVAILABLE),
    ("rate_timeout", TIMEOUT),
    ("rate_reset", RESET),
    ("rate_after_write", AFTER_WRITE),
)

UNKNOWN_SETTING = "unknown fault setting {name!r}; known: {known}"
BAD_VALUE = "fault setting {name!r} needs a number, got {value!r}"
BAD_ITEM = "fault settings are name=value pairs separated by commas, got {item!r}"
RATE_RANGE = "fault rate {name!r} must be between 0 and 1, got {value}"
RATES_TOO_HIGH = "fault rates add up to {total:.3f}; they must add up to at most 1"
NEGATIVE = "fault setting {name!r} cannot be negative, got {value}"


@dataclass(frozen=True)
class FaultSettings:
    """Share of requests that get each fault; `latency_ms` delays every faulted-path request."""

    seed: int = 0
    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_502: float = 0.0
    rate_503: float = 0.0
    rate_timeout: float = 0.0
    rate_reset: float = 0.0
    rate_after_write: float = 0.0
    latency_ms: int = 0
    timeout_seconds: float = 30.0
    retry_after: int = 1

    def __post_init__(self) -> None:
        total = 0.0
        for name, _fault in _BUCKETS:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(RATE_RANGE.format(name=name, value=value))
            total += value
        if total > 1.0 + 1e-9:
            raise ValueError(RATES_TOO_HIGH.format(total=total))
        for name in ("latency_ms", "timeout_seconds", "retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(NEGATIVE.format(name=name, value=getattr(self, name)))

    @classmethod
    def parse(cls, text: str) -> FaultSettings:
        """`"seed=3,rate_429=0.1,latency_ms=20"` → settings; blank text → no faults."""
        values: dict[str, object] = {}
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            name, sep, raw = item.partition("=")
            if not sep:
                raise ValueError(BAD_ITEM.format(item=item))
            values[name.strip()] = raw.strip()
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: dict[str, object]) -> FaultSettings:
        """Settings from a JSON object or parsed pairs; numbers may come as text."""
        types = {f.name: f.type for f in fields(cls)}
        converted: dict[str, object] = {}
        for name, value in values.items():
            if name not in types:
                known = ", ".join(types)
                raise ValueError(UNKNOWN_SETTING.format(name=name, known=known))
            kind = int if types[name] == "int" else float
            try:
                if isinstance(value, bool):
                    raise ValueError
                number = float(value)  # type: ignore[arg-type]
                if kind is int and not number.is_integer():
                    raise ValueError
                converted[name] = kind(number)
            except (TypeError, ValueError):
                raise ValueError(BAD_VALUE.format(name=name, value=value)) from None
        return cls(**converted)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)

    def describe(self) -> str:
        """The compact form `parse` reads, listing only what differs from the defaults."""
        default = FaultSettings()
        return ",".join(
            f"{name}={value}"
            for name, value in self.to_dict().items()
            if value != getattr(default, name)
        )

    @property
    def any_fault(self) -> bool:
        return any(getattr(self, name) for name, _fault in _BUCKETS)


class FaultInjector:
    """Draws the fault of each request from one seeded sequence, safely across threads."""

    def __init__(self, settings: FaultSettings) -> None:
        self._lock = threading.Lock()
        self.update(settings)

    def update(self, settings: FaultSettings) -> None:
        with self._lock:
            self.settings = settings
            self._rng = random.Random(settings.seed)

    def decide(self, is_write: bool) -> str | None:
        """The fault for the next faulted-path request, or None.

        Exactly one draw per request, even for reads that land in the after-write bucket (they get
        no fault), so the sequence depends only on the seed and the order of requests.
        """
        with self._lock:
            settings = self.settings
            if not settings.any_fault:
                return None
            draw = self._rng.random()
        edge = 0.0
        for name, fault in _BUCKETS:
            edge += getattr(settings, name)
            if draw < edge:
                return None if fault == AFTER_WRITE and not is_write else fault
        return None
