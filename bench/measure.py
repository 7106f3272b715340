"""Run a subject in a fresh Python process and read what it measured, plus its peak memory.

The child prints one JSON object as its last line of output; the parent adds the child's peak
resident memory from `os.wait4` (that child's own rusage, so earlier runs never leak into it).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SubjectFailed(RuntimeError):
    pass


def child(task: str, *args: str, env: dict[str, str] | None = None, timeout: float = 3600) -> dict:
    """`python -m bench.worker TASK ARGS…` in a fresh process; its JSON plus `peak_rss` (bytes)
    and `wall` (seconds, process start to exit)."""
    command = [sys.executable, "-m", "bench.worker", task, *args]
    return run_process(command, env=env, timeout=timeout, parse=True)


def run_process(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 3600,
    parse: bool = False,
    cwd: Path = ROOT,
) -> dict:
    """Run `command`, reap it with `os.wait4` to get its own peak RSS, and return `wall`,
    `peak_rss`, `returncode` and the tail of stderr (plus its JSON, or its stdout)."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), full_env.get("PYTHONPATH")]))
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, env=full_env, stdout=out, stderr=err)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                raise SubjectFailed(f"{' '.join(command)}: more than {timeout} s")
            time.sleep(0.01)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    result: dict = {
        "wall": wall,
        "returncode": process.returncode,
        "peak_rss": usage.ru_maxrss * 1024,  # Linux reports KiB
        "stderr": stderr,
    }
    if not parse:
        result["stdout"] = stdout
        return result
    if process.returncode != 0:
        raise SubjectFailed(f"{' '.join(command)} exited {process.returncode}:\n{stderr[-4000:]}")
    lines = [line for line in stdout.splitlines() if line.strip()]
    result.update(json.loads(lines[-1]))
    return result


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def interleaved(
    repeats: int, *runs: Callable[[], dict], progress: Callable[[str], None] | None = None
) -> list[list[dict]]:
    """Run each callable `repeats` times, alternating them (A B A B …), so that a burst of
    load on the shared machine hits the baseline and the subject alike."""
    results: list[list[dict]] = [[] for _ in runs]
    for round_number in range(repeats):
        for slot, run in enumerate(runs):
            results[slot].append(run())
        if progress:
            progress(f"ronda {round_number + 1}/{repeats}")
    return results
