"""B5 — `datos-cali validate` on the 30,000-row vaccination demo, as an organismo runs it: a
cold process, wall time from start to exit, with the command's import time (`-X importtime`).

Baseline: the same cold process that only imports pyarrow and reads the file with
`pyarrow.csv.read_csv` — the floor for any Python tool that reads it.
"""

from __future__ import annotations

import sys

from bench import measure
from bench.common import ROOT, SLUG, Figure, Result, Sizes, es

TARGET = 2.0
DEMO = ROOT / "demo" / "vacunacion-covid19" / "vacunacion_covid19_cali.csv"
_CLI = "import sys; from datos_cali.cli import main; sys.argv[0] = 'datos-cali'; sys.exit(main())"


def _command(*extra: str) -> list[str]:
    return [sys.executable, *extra, "-c", _CLI, "validate", str(DEMO), "--dataset", SLUG, "--json"]


def import_seconds(stderr: str) -> tuple[float, list[tuple[str, float]]]:
    """Total import time from `-X importtime` (its top-level entries) and the heaviest ones.

    Lines read `import time: self | cumulative | name`, nested imports indented under their
    parent (whose cumulative time includes them), so only top-level lines are added up.
    """
    total, top = 0, []
    for line in stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3 or "cumulative" in line:
            continue
        name = parts[2]
        if name.startswith("  "):
            continue
        microseconds = int(parts[1])
        total += microseconds
        top.append((name.strip(), microseconds / 1e6))
    top.sort(key=lambda item: -item[1])
    return total / 1e6, top[:5]


def run(sizes: Sizes, log) -> Result:
    log("B5: datos-cali validate en frío…")
    base_command = [
        sys.executable,
        "-c",
        f"import pyarrow.csv as c; c.read_csv({str(DEMO)!r})",
    ]
    base_runs, runs = measure.interleaved(
        sizes.b5_repeats,
        lambda: measure.run_process(base_command),
        lambda: measure.run_process(_command()),
    )
    failed = [r for r in runs if r["returncode"] not in (0, 1)]
    if failed:
        raise measure.SubjectFailed(f"datos-cali validate falló:\n{failed[0]['stderr']}")
    traced = measure.run_process(_command("-X", "importtime"))
    imports, heaviest = import_seconds(traced["stderr"])
    wall = measure.median([r["wall"] for r in runs])
    base = measure.median([r["wall"] for r in base_runs])
    return Result(
        id="B5",
        title="datos-cali validate en frío (muestra de 30.000 filas)",
        figures=[
            Figure(
                name="segundos de pared, proceso nuevo",
                value=round(wall, 2),
                unit="s",
                target=f"≤ {es(TARGET, 1)}",
                met=wall <= TARGET,
                baseline=f"python + pyarrow.csv.read_csv en frío: {es(base, 2)} s",
                detail={
                    "importaciones_s": round(imports, 2),
                    "importaciones_mas_pesadas": [[n, round(s, 3)] for n, s in heaviest],
                    "corridas": [round(r["wall"], 2) for r in runs],
                    "corridas_base": [round(r["wall"], 2) for r in base_runs],
                    "pico_mb": round(measure.median([r["peak_rss"] for r in runs]) / 1e6),
                },
            )
        ],
        notes=[
            f"Importar los módulos del comando toma {es(imports, 2)} s de esos {es(wall, 2)} s."
        ],
    )
