"""B2 — our pre-check of a 1-million-row file against `frictionless validate` with the
equivalent Table Schema: how many times faster.

Both sides are timed inside a fresh process around the validation call alone, after one
warm-up call on the 30,000-row demo file (interpreter start, imports and first-call set-up
excluded on both sides; B5 measures the cold command): `datos_cali.precheck.precheck(path, …)` — the
function behind `datos-cali validate`, which also runs the personal-data scan and the 17
criteria — and `frictionless.validate(Resource(path, schema))`, which checks types and
constraints row by row in Python. The Table Schema is derived from the pandera contract, rule
for rule (`table_schema`).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

from bench import measure
from bench.common import NOW, WORK, Figure, Result, Sizes, catalog_entry, es
from datos_cali.contracts.checks import CALI_COMUNAS, CALI_CORREGIMIENTOS

TARGET = 30.0
_TYPES = {
    "text": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
}


def _pattern(regex: str) -> str:
    """pandera's `str_matches` anchors at the start; Table Schema patterns match whole values."""
    body = regex.removeprefix("^")
    return body[:-1] if body.endswith("$") and not body.endswith("\\$") else body + ".*"


def _places(rural: bool) -> list[str]:
    places = list(CALI_COMUNAS)
    if rural:
        places += [f"Rural - {name}" for name in CALI_CORREGIMIENTOS] + list(CALI_CORREGIMIENTOS)
    return places


def table_schema(contract, dataset, today: dt.date) -> dict:
    """The Table Schema that says what the contract says: types, required, unique, enum,
    pattern, minimum/maximum (rules without an equivalent are listed under `sin_equivalente`)."""
    fields, missing = [], []
    for name, spec in contract.columns.items():
        constraints: dict = {"required": not spec.nullable}
        if spec.unique:
            constraints["unique"] = True
        for check in contract.schema.columns[name].checks:
            stats = dict(check.statistics)
            if check.name == "isin":
                constraints["enum"] = list(stats["allowed_values"])
            elif check.name == "str_matches":
                constraints["pattern"] = _pattern(str(stats["pattern"]))
            elif check.name in ("greater_than_or_equal_to", "in_range"):
                constraints["minimum"] = stats.get("min_value")
                if "max_value" in stats:
                    constraints["maximum"] = stats["max_value"]
            elif check.name == "less_than_or_equal_to":
                constraints["maximum"] = stats["max_value"]
            elif check.name == "not_in_future":
                constraints["maximum"] = str(today + dt.timedelta(days=stats["tolerance_days"]))
            elif check.name == "comuna_cali":
                constraints["enum"] = _places(stats["rural"])
            else:
                missing.append(f"{name}: {check.name}")
        fields.append({"name": name, "type": _TYPES[spec.kind], "constraints": constraints})
    schema = {"fields": fields}
    if dataset.row_identifier:
        schema["primaryKey"] = [dataset.row_identifier]
    return {"schema": schema, "sin_equivalente": missing}


# --- children ---------------------------------------------------------------------------------


def data(rows: str) -> dict:
    from bench.data import vaccination_csv

    return {"path": str(vaccination_csv(int(rows)))}


def ours(path: str) -> dict:
    from bench.b5 import DEMO
    from datos_cali.precheck import precheck

    dataset, contract, organismo, _ = catalog_entry()
    precheck(DEMO, dataset, contract, organismo=organismo, now=NOW)  # warm: settings, regexes
    started = time.perf_counter()
    result = precheck(Path(path), dataset, contract, organismo=organismo, now=NOW)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "valid": result.publishable, "rows": result.rows}


def frictionless(path: str, schema_path: str) -> dict:
    from frictionless import Resource, Schema, validate

    from bench.b5 import DEMO

    descriptor = json.loads(Path(schema_path).read_text(encoding="utf-8"))

    def resource(file: Path) -> Resource:  # frictionless refuses absolute paths without a base
        schema = Schema.from_descriptor(descriptor)
        return Resource(path=file.name, basepath=str(file.parent), schema=schema)

    validate(resource(DEMO))  # warm, as our side
    started = time.perf_counter()
    report = validate(resource(Path(path)))
    seconds = time.perf_counter() - started
    rows = report.tasks[0].stats.get("rows") if report.tasks else None
    errors = [" ".join(map(str, e)) for e in report.flatten(["type", "note"])[:5]]
    return {"seconds": seconds, "valid": report.valid, "rows": rows, "errors": errors}


# --- the benchmark ----------------------------------------------------------------------------


def run(sizes: Sizes, log) -> Result:
    rows = sizes.b2_rows
    log(f"B2: datos de {es(rows)} filas…")
    path = measure.child("b2-data", str(rows))["path"]
    dataset, contract, _, _ = catalog_entry()
    derived = table_schema(contract, dataset, NOW.date())
    WORK.mkdir(parents=True, exist_ok=True)
    schema_path = WORK / "b2-table-schema.json"
    schema_path.write_text(json.dumps(derived["schema"], ensure_ascii=False, indent=2))
    base_runs, runs = measure.interleaved(
        sizes.repeats,
        lambda: measure.child("b2-frictionless", path, str(schema_path)),
        lambda: measure.child("b2-ours", path),
        progress=lambda text: log(f"B2: {text}"),
    )
    for found in (*base_runs, *runs):  # a baseline that failed early measures nothing
        if not found["valid"] or found["rows"] != rows:
            raise measure.SubjectFailed(f"B2: validación incompleta o fallida: {found}")
    base = measure.median([r["seconds"] for r in base_runs])
    mine = measure.median([r["seconds"] for r in runs])
    speedup = base / mine
    return Result(
        id="B2",
        title=f"Pre-revisión de {es(rows)} filas frente a frictionless",
        figures=[
            Figure(
                name="veces más rápido que frictionless validate",
                value=round(speedup, 1),
                unit="×",
                target=f"≥ {es(TARGET)}",
                met=speedup >= TARGET,
                baseline=f"frictionless validate (Table Schema equivalente): {es(base, 1)} s",
                detail={
                    "segundos": round(mine, 3),
                    "segundos_base": round(base, 2),
                    "corridas": [round(r["seconds"], 3) for r in runs],
                    "corridas_base": [round(r["seconds"], 2) for r in base_runs],
                    "valido": runs[-1]["valid"],
                    "valido_base": base_runs[-1]["valid"],
                },
            )
        ],
        notes=[
            "Nuestro lado: la función `datos_cali.precheck.precheck` (la de `datos-cali validate`, "
            "con datos personales y los 17 criterios), medida dentro del proceso; frictionless: "
            "`validate(Resource(path, schema))`, igual.",
            "Reglas del contrato sin equivalente en Table Schema: "
            + (", ".join(derived["sin_equivalente"]) or "ninguna")
            + ".",
        ],
    )
