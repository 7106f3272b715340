"""Deterministic benchmark data: vaccination-like microdata, as big as each benchmark needs.

Same columns and format as demo/vacunacion-covid19/ (comma-separated UTF-8, ISO dates, unquoted
cells), with plausible distributions: real vaccines and their dose schemes, age groups weighted
like Cali's population, the 22 comunas plus the 15 corregimientos, the affiliation regimes and
the city's vaccinating IPS. Every file is generated from a fixed seed, so a rerun reproduces it
byte for byte; files are cached under bench/data/ (gitignored) by size and generator version.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from datos_cali.contracts.checks import CALI_CORREGIMIENTOS

DATA = Path(__file__).resolve().parent / "data"
VERSION = 1  # bump when the generated content changes: cached files are named by it
SEED = 20_210_217  # 17 Feb 2021, the first dose applied in Colombia
COLUMNS = (
    "id_registro",
    "fecha_aplicacion",
    "biologico",
    "dosis",
    "grupo_edad",
    "sexo",
    "comuna_residencia",
    "regimen_afiliacion",
    "ips_vacunadora",
)
BIOLOGICOS = {
    "Pfizer": 0.38,
    "Sinovac": 0.27,
    "AstraZeneca": 0.14,
    "Moderna": 0.13,
    "Janssen": 0.08,
}
DOSIS = ("Primera", "Segunda", "Refuerzo")
EDADES = {
    "3-11": 0.10, "12-17": 0.08, "18-29": 0.19, "30-39": 0.16, "40-49": 0.13,
    "50-59": 0.13, "60-69": 0.11, "70-79": 0.07, "80+": 0.03,
}  # fmt: skip
REGIMENES = {
    "Contributivo": 0.52, "Subsidiado": 0.38, "Especial": 0.05, "Excepción": 0.02,
    "No afiliado": 0.03,
}  # fmt: skip
IPS = (
    "Red de Salud Norte ESE", "Red de Salud Oriente ESE", "Red de Salud Ladera ESE",
    "Red de Salud Centro ESE", "Red de Salud Suroriente ESE", "Red de Salud Suroccidente ESE",
    "Hospital Universitario del Valle", "Clínica Valle del Lili", "Centro Médico Imbanaco",
    "Clínica Imbanaco Grupo Quirónsalud", "Fundación Valle del Lili Sede Limonar",
    "Clínica de Occidente", "Clínica Farallones", "Clínica Nuestra Señora de los Remedios",
    "Comfandi IPS Torres de Comfandi", "Comfandi IPS El Prado", "Clínica Colombia ES",
    "Hospital Cañaveralejo ESE", "Hospital Joaquín Paz Borrero", "Hospital Carlos Holmes Trujillo",
    "Coomeva IPS Sede Sur", "Sanitas Ciudad Jardín", "Cruz Roja Seccional Valle",
    "Puesto Estadio Pascual Guerrero", "Puesto CC Chipichape", "Universidad del Valle",
)  # fmt: skip
FIRST_DAY = dt.date(2021, 2, 17)
LAST_DAY = dt.date(2022, 12, 31)


def _pick(rng: np.random.Generator, n: int, choices, weights=None) -> pa.Array:
    """`n` values drawn from `choices` (a dict of weights, or a sequence drawn uniformly)."""
    if isinstance(choices, dict):
        names = list(choices)
        p = np.asarray(list(choices.values()), dtype=float)
        p /= p.sum()
    else:
        names = list(choices)
        p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    indices = rng.choice(len(names), size=n, p=p).astype(np.int32)
    return pa.DictionaryArray.from_arrays(indices, pa.array(names)).cast(pa.string())


def _comunas() -> tuple[list[str], list[float]]:
    urban = [f"Comuna {n}" for n in range(1, 23)]
    rural = [f"Rural - {name}" for name in CALI_CORREGIMIENTOS]
    rng = np.random.default_rng(SEED + 1)
    urban_weights = rng.uniform(0.6, 1.4, len(urban)) * 0.96 / len(urban)
    rural_weights = np.full(len(rural), 0.04 / len(rural))
    return urban + rural, [*urban_weights, *rural_weights]


def vaccination_table(rows: int, *, seed: int = SEED, first_id: int = 1) -> pa.Table:
    """`rows` doses; the same arguments always give the same table."""
    rng = np.random.default_rng(seed)
    ids = pc.utf8_lpad(pc.cast(pa.array(np.arange(first_id, first_id + rows)), pa.string()), 7, "0")
    days = (LAST_DAY - FIRST_DAY).days + 1
    # More doses in the 2021 mass campaign than in 2022: a decaying day distribution.
    weights = np.exp(-np.arange(days) / 220.0)
    offsets = rng.choice(days, size=rows, p=weights / weights.sum())
    dates = np.datetime64(FIRST_DAY) + offsets.astype("timedelta64[D]")
    biologico = _pick(rng, rows, BIOLOGICOS)
    dose_index = rng.choice(3, size=rows, p=[0.42, 0.36, 0.22]).astype(np.int32)
    dosis = pa.DictionaryArray.from_arrays(dose_index, pa.array(DOSIS)).cast(pa.string())
    dosis = pc.if_else(pc.equal(biologico, "Janssen"), "Única", dosis)  # single-dose vaccine
    comunas, comuna_weights = _comunas()
    return pa.table(
        {
            "id_registro": pc.binary_join_element_wise("VAC-", ids, ""),
            "fecha_aplicacion": pc.strftime(pa.array(dates, pa.date32()), "%Y-%m-%d"),
            "biologico": biologico,
            "dosis": dosis,
            "grupo_edad": _pick(rng, rows, EDADES),
            "sexo": _pick(rng, rows, {"F": 0.53, "M": 0.47}),
            "comuna_residencia": _pick(rng, rows, comunas, comuna_weights),
            "regimen_afiliacion": _pick(rng, rows, REGIMENES),
            "ips_vacunadora": _pick(rng, rows, IPS),
        }
    )


def write_csv(table: pa.Table, path: Path) -> Path:
    """Comma-separated, unquoted (as the demo file), written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    options = pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=256 * 1024)
    with tmp.open("wb") as handle:
        handle.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(table, handle, write_options=options)
    tmp.replace(path)
    return path


def vaccination_csv(rows: int, *, folder: Path = DATA) -> Path:
    """The cached CSV of `rows` doses (generated on first use)."""
    path = folder / f"vacunacion-{rows}-v{VERSION}.csv"
    if not path.exists():
        write_csv(vaccination_table(rows), path)
    return path


def with_changes(table: pa.Table, share: float, *, seed: int = SEED + 2) -> pa.Table:
    """The same table with `share` of its rows edited in place (a later IPS report corrects
    the regime and the IPS of some doses); row identifiers do not change."""
    rng = np.random.default_rng(seed)
    n = table.num_rows
    chosen = np.zeros(n, dtype=bool)
    chosen[rng.choice(n, size=max(1, round(n * share)), replace=False)] = True
    mask = pa.array(chosen)
    regimen = pc.if_else(
        mask,
        pc.if_else(
            pc.equal(table["regimen_afiliacion"], "Subsidiado"), "Contributivo", "Subsidiado"
        ),
        table["regimen_afiliacion"],
    )
    ips = pc.if_else(mask, "Red de Salud Centro ESE", table["ips_vacunadora"])
    table = table.set_column(
        table.schema.get_field_index("regimen_afiliacion"), "regimen_afiliacion", regimen
    )
    return table.set_column(table.schema.get_field_index("ips_vacunadora"), "ips_vacunadora", ips)
