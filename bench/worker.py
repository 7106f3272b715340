"""Child-process entry points: `python -m bench.worker TASK ARGS…` prints one JSON line.

Every subject runs in a fresh interpreter so its timing and peak memory are its own.
"""

from __future__ import annotations

import importlib
import json
import sys

TASKS = {
    "b1-data": "bench.b1:data",
    "b1-baseline": "bench.b1:baseline",
    "b1-subject": "bench.b1:subject",
    "b1-previous": "bench.b1:previous",
    "b2-data": "bench.b2:data",
    "b2-ours": "bench.b2:ours",
    "b2-frictionless": "bench.b2:frictionless",
    "b3": "bench.b3:measure_republish",
    "b4-flows": "bench.b4:flows",
    "b4-library": "bench.b4:library",
    "b6-library": "bench.b6:library",
    "b8-validate": "bench.b8:validate_warm",
    "b9-precheck": "bench.b9:precheck_alone",
    "b11": "bench.b11:measure_both",
}


def main(argv: list[str]) -> None:
    task, *args = argv
    module, function = TASKS[task].split(":")
    result = getattr(importlib.import_module(module), function)(*args)
    print(json.dumps(result, default=float))


if __name__ == "__main__":
    main(sys.argv[1:])
