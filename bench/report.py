"""Print the figures, write bench/results.json and rewrite the table in BENCHMARKS.md."""

from __future__ import annotations

import json
from pathlib import Path

from bench.common import Result, es

START = "<!-- bench:tabla:inicio -->"
END = "<!-- bench:tabla:fin -->"


def _number(value: float, unit: str) -> str:
    if unit == "s":
        text = f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    elif unit == "×":
        text = f"{value:,.2f}" if value < 10 else f"{value:,.1f}"
    elif isinstance(value, int) or float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:.4f}"
    text = text.replace(",", " ").replace(".", ",")
    return f"{text} {unit}".strip() if unit in ("s",) else f"{text}{unit}"


def _verdict(met: bool | None) -> str:
    return {True: "cumple", False: "NO cumple", None: "—"}[met]


def console(results: list[Result]) -> str:
    lines = []
    for result in results:
        lines.append(f"{result.id} — {result.title}  ({result.seconds:.0f} s)")
        for figure in result.figures:
            lines.append(
                f"    {figure.name}: {_number(figure.value, figure.unit)}"
                f"   meta {figure.target}   [{_verdict(figure.met)}]"
            )
            lines.append(f"        base: {figure.baseline}")
        lines.extend(f"        {note}" for note in result.notes)
    return "\n".join(lines)


def table(results: list[Result], machine: dict, generated: str, quick: bool) -> str:
    rows = [
        "| | cifra | valor | meta | | base medida en la misma corrida |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        for figure in result.figures:
            rows.append(
                f"| {result.id} | {figure.name} | **{_number(figure.value, figure.unit)}** | "
                f"{figure.target} | {_verdict(figure.met)} | {figure.baseline} |"
            )
    load = "; ".join(es(x, 1) for x in machine.get("load_average", ()))
    header = (
        f"Corrida del {generated} (`python -m bench{' --quick' if quick else ''}`) en "
        f"{machine['cpu']}, {machine['cores']} núcleos, {es(machine['memory_gib'], 1)} GiB; Python "
        f"{machine['python']}, pyarrow {machine['pyarrow']}, pandas {machine['pandas']}; carga "
        f"media al terminar: {load}."
    )
    return "\n".join([header, "", *rows])


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def rewrite_markdown(path: Path, text: str) -> None:
    """Replace what lies between the markers (added at the end when they are missing)."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START}\n{text}\n{END}"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        _, after = rest.split(END, 1)
        updated = before + block + after
    else:
        updated = current.rstrip() + ("\n\n" if current else "") + block + "\n"
    path.write_text(updated, encoding="utf-8")
