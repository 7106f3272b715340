"""`python -m bench [--quick] [--only B1,B3] [--out DIR] [--markdown FILE]`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

from bench import report
from bench.common import ROOT, Result, Sizes, machine

BENCHMARKS = ("B1", "B2", "B3", "B4", "B5", "B6", "B8", "B9", "B10", "B11")
HERE = Path(__file__).resolve().parent


def _run(name: str, sizes: Sizes, log) -> Result:
    from bench import b1, b2, b3, b4, b5, b6, b8, b9, b10, b11

    modules = {
        "B1": b1,
        "B2": b2,
        "B3": b3,
        "B4": b4,
        "B5": b5,
        "B6": b6,
        "B8": b8,
        "B9": b9,
        "B10": b10,
        "B11": b11,
    }
    module = modules[name]
    started = time.perf_counter()
    result = module.run(sizes, log)
    result.seconds = round(time.perf_counter() - started, 1)
    return result


class _SpanishHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="uso: ")


class _SpanishParser(argparse.ArgumentParser):
    """argparse's own words (usage, options, errors) in Spanish, like the rest of the CLI."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {_spanish(message)}\n")


def _spanish(message: str) -> str:
    for english, spanish in _ARGPARSE_WORDS:
        message = message.replace(english, spanish)
    return message


_ARGPARSE_WORDS = (
    ("unrecognized arguments:", "argumentos desconocidos:"),
    ("invalid int value:", "no es un número entero:"),
    ("expected one argument", "falta su valor"),
    ("argument ", "argumento "),
)


def main(argv: list[str] | None = None) -> int:
    parser = _SpanishParser(
        prog="python -m bench",
        description="Benchmarks B1–B11, con sus bases y metas.",
        formatter_class=_SpanishHelp,
        add_help=False,
    )
    parser._optionals.title = "opciones"
    parser.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")
    parser.add_argument("--quick", action="store_true", help="tamaños diminutos (prueba rápida)")
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), metavar="LISTA", help="p. ej. B1,B3"
    )
    parser.add_argument(
        "--repeats", type=int, metavar="N", help="repeticiones intercaladas (por defecto 3)"
    )
    parser.add_argument(
        "--out", type=Path, metavar="CARPETA", help="carpeta de results.json (por defecto bench/)"
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="ARCHIVO",
        help="archivo cuya tabla reescribir (por defecto BENCHMARKS.md)",
    )
    args = parser.parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes()
    if args.repeats:
        sizes = replace(sizes, repeats=args.repeats, b5_repeats=max(args.repeats, 1))
    chosen = [name.strip().upper() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"no existen: {', '.join(unknown)}")
    out = args.out or HERE
    markdown = args.markdown or (None if args.quick or args.out else ROOT / "BENCHMARKS.md")

    def log(text: str) -> None:
        print(f"[{dt.datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)

    results = [_run(name, sizes, log) for name in chosen]
    generated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    box = machine()
    print(report.console(results))
    out.mkdir(parents=True, exist_ok=True)
    report.write_json(
        out / "results.json",
        {
            "generated": generated,
            "quick": args.quick,
            "sizes": asdict(sizes),
            "machine": box,
            "results": [result.to_json() for result in results],
        },
    )
    if markdown is not None:
        report.rewrite_markdown(markdown, report.table(results, box, generated, args.quick))
    return 0
