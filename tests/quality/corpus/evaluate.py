"""Run the personal-data gate over the labelled corpus and count, per kind of personal data, the
columns it got right and wrong: the confusion table of issue 15.

    .venv/bin/python -m tests.quality.corpus.evaluate   # prints the table (Markdown)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from datos_cali.catalog.models import Dataset
from datos_cali.contracts.schema import ColumnSpec, Contract
from datos_cali.quality.personal_data import scan_personal_data
from tests.quality.builders import base_dataset, raw_table

HERE = Path(__file__).resolve().parent
KINDS = ("cedula", "telefono", "correo", "direccion", "nombre", "salud")
DIRECT_IDENTIFIERS = ("cedula", "telefono", "correo", "direccion")
LABELS = {
    "cedula": "cédula / documento",
    "telefono": "teléfono",
    "correo": "correo electrónico",
    "direccion": "dirección de residencia",
    "nombre": "nombre de persona",
    "salud": "salud junto a un nombre",
}
DETECTOR_KIND = {
    "cedula": "cedula",
    "cedula_columna": "cedula",
    "documento": "cedula",
    "nit_persona": "cedula",
    "celular": "telefono",
    "telefono_fijo": "telefono",
    "correo": "correo",
    "direccion": "direccion",
    "nombre": "nombre",
    "salud_con_nombre": "salud",
}
FIELD = "campo"


@dataclass(frozen=True)
class Entry:
    file: str
    header: str
    kind: str | None
    label: frozenset[str]
    values: tuple[str, ...]
    public_place: str | None = None


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    misses: list[Entry] = field(default_factory=list)
    false_alarms: list[Entry] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(folder: Path = HERE) -> list[Entry]:
    entries = []
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text("utf-8")):
            entries.append(
                Entry(
                    file=path.name,
                    header=item["header"],
                    kind=item.get("kind"),
                    label=frozenset(item["label"]),
                    values=tuple(item["values"]),
                    public_place=item.get("public_place"),
                )
            )
    return entries


def predict(entry: Entry) -> frozenset[str]:
    """The kinds of personal data the gate finds in the column, by its values."""
    privacy = {}
    if entry.public_place:
        privacy = {"public_places": [{"column": FIELD, "basis": entry.public_place}]}
    dataset = Dataset.model_validate(base_dataset([FIELD], privacy=privacy))
    columns = {}
    if entry.kind:
        columns[FIELD] = ColumnSpec(FIELD, entry.header, entry.kind, True, True, False, None)
    contract = Contract("corpus", HERE, None, columns)
    mapping = {FIELD: 0} if entry.kind else {}
    raw = raw_table({entry.header: list(entry.values)})
    (scan,) = scan_personal_data(raw, dataset, mapping=mapping, contract=contract).columns
    found = {DETECTOR_KIND[d] for d in scan.detections}
    return frozenset(found)


def confusion(entries: list[Entry]) -> dict[str, Confusion]:
    table = {kind: Confusion() for kind in KINDS}
    for entry in entries:
        found = predict(entry)
        for kind, cell in table.items():
            expected, got = kind in entry.label, kind in found
            if expected and got:
                cell.tp += 1
            elif got:
                cell.fp += 1
                cell.false_alarms.append(entry)
            elif expected:
                cell.fn += 1
                cell.misses.append(entry)
            else:
                cell.tn += 1
    return table


def markdown(table: dict[str, Confusion], columns: int) -> str:
    lines = [
        f"Corpus: {columns} columnas etiquetadas (`tests/quality/corpus/`).",
        "",
        "| detector | columnas con el dato | VP | FP | FN | VN | precisión | exhaustividad |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, cell in table.items():
        lines.append(
            f"| {LABELS[kind]} | {cell.tp + cell.fn} | {cell.tp} | {cell.fp} | {cell.fn} | "
            f"{cell.tn} | {cell.precision:.3f} | {cell.recall:.3f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    entries = load()
    table = confusion(entries)
    print(markdown(table, len(entries)))
    for kind, cell in table.items():
        for entry in cell.misses:
            print(f"FN {kind}: {entry.file} «{entry.header}» {entry.values}")
        for entry in cell.false_alarms:
            print(f"FP {kind}: {entry.file} «{entry.header}» {entry.values}")
