"""The pre-check of an upload — `datos_cali.precheck.precheck`, the function behind
`datos-cali validate` — and the list of every row to fix it leaves behind.

`analyse_upload` runs the pre-check on the archived bytes and, while the analysis is still in
memory, writes the complete list of rows to fix (`Finding.all_rows()`: every row, not the
first ten) as a CSV beside the upload, with formulas neutralised (`datos_cali.csvsafe`). Only
row numbers, column names as the clerk wrote them and descriptions go in: never a cell's
value. The Excel version is made from that CSV when it is first asked for.

`recognise` finds which of the clerk's datasets a file is from its header row alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from datos_cali import csvsafe
from datos_cali.catalog import Catalog, Dataset
from datos_cali.contracts import Contract, load_contract
from datos_cali.findings import Finding, Severity
from datos_cali.precheck import PrecheckResult, precheck
from datos_cali.reading import ReadError, read_table
from datos_cali.reading.headers import normalize
from datos_cali.reading.sniff import SAMPLE_BYTES, container_format

ROWS_FILE = "filas-a-corregir.csv"
XLSX_FILE = "filas-a-corregir.xlsx"
HEADER = ("Fila", "Columna", "Problema", "Gravedad", "Código")
SEVERITY_WORDS = {
    Severity.BLOCK: "Impide publicar",
    Severity.WARN: "Advertencia",
    Severity.INFO: "Informativo",
}
WHOLE_COLUMN = "(toda la columna)"
WHOLE_FILE = "(todo el archivo)"
# What is wrong with one cell, by finding code (the finding's message counts rows instead).
PER_ROW = {
    "no_es_numero": "no es un número",
    "no_es_entero": "no es un número entero",
    "fecha_invalida": "no es una fecha reconocible",
    "fecha_imposible": "es una fecha que no existe",
    "no_es_si_no": "no es sí/no",
    "valor_nulo": "está vacía y es obligatoria",
    "valor_desconocido": "tiene un valor que no está entre los permitidos",
    "fuera_de_rango": "está fuera del rango permitido",
    "formato_invalido": "tiene un formato no válido",
    "valor_repetido": "repite un valor que debe ser único",
    "longitud_invalida": "tiene una longitud no permitida",
    "dato_personal": "contiene un dato personal: quítelo o anonimícelo",
}
MIN_SHARE = 0.5  # a dataset is recognised when at least half its columns are in the header
XLSX_MAX_ROWS = 1_048_575  # Excel's rows per sheet, less the header
_EXAMPLE = re.compile(r",? p\. ej\. .*$")


@dataclass(frozen=True)
class Checked:
    result: PrecheckResult
    rows_to_fix: int  # lines in the list (findings without rows count once)
    seconds: float
    headers: dict[str, str]  # contract field → header as the clerk wrote it


def analyse_upload(
    path: Path,
    file_name: str,
    dataset: Dataset,
    contract: Contract,
    catalog: Catalog,
    folder: Path,
) -> Checked:
    """The pre-check of archived bytes, and `folder/filas-a-corregir.csv` written from it."""
    started = time.perf_counter()
    result = precheck(
        path,
        dataset,
        contract,
        organismo=catalog.organismo_of(dataset),
        now=dt.datetime.now(dt.UTC),
        name=file_name,
    )
    headers = dict(result.typed.headers) if result.typed is not None else {}
    lines = write_rows_to_fix(result.findings, headers, folder / ROWS_FILE)
    result.analysis = None  # drop the typed table and the analysis before the next request
    result.typed = None
    return Checked(result, lines, round(time.perf_counter() - started, 3), headers)


def problem(finding: Finding) -> str:
    """A finding's message without its counts and examples: what is wrong, said once."""
    return _EXAMPLE.sub(".", finding.message).rstrip(".") + "."


def _row_text(finding: Finding, header: str) -> str:
    short = PER_ROW.get(finding.code)
    if short and header:
        return f"«{header}» {short}."
    return problem(finding)


def write_rows_to_fix(findings: list[Finding], headers: dict[str, str], target: Path) -> int:
    """Every (row, finding) pair in file-row order, then what has no row; returns the lines.

    Written to a temporary name and renamed, in chunks: a file with millions of rows to fix
    never holds them as Python objects at once.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    lines = 0
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csvsafe.writer(handle)
            writer.writerow(HEADER)
            rows, which = [], []
            for index, finding in enumerate(findings):
                every = np.asarray(finding.all_rows(), dtype=np.int64)
                if len(every):
                    rows.append(every)
                    which.append(np.full(len(every), index, dtype=np.int32))
            texts = [
                (
                    headers.get(f.column or "", f.column or ""),
                    SEVERITY_WORDS[f.severity],
                )
                for f in findings
            ]
            cells = [
                _row_text(f, texts[i][0]) for i, f in enumerate(findings)
            ]  # one text per finding
            if rows:
                all_rows = np.concatenate(rows)
                all_which = np.concatenate(which)
                order = np.lexsort((all_which, all_rows))
                for start in range(0, len(order), 100_000):
                    chunk = order[start : start + 100_000]
                    writer.writerows(
                        (int(row), texts[i][0], cells[i], texts[i][1], findings[i].code)
                        for row, i in zip(all_rows[chunk], all_which[chunk], strict=True)
                    )
                lines += len(order)
            for index, finding in enumerate(findings):
                if len(finding.all_rows()):
                    continue
                where = WHOLE_COLUMN if finding.column else WHOLE_FILE
                column = texts[index][0] or where
                writer.writerow(("", column, problem(finding), texts[index][1], finding.code))
                lines += 1
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return lines


def rows_to_fix_xlsx(folder: Path) -> Path:
    """The list as an Excel workbook (made once, streamed row by row from the CSV)."""
    # Deferred: openpyxl's writer loads only when someone asks for the Excel version.
    from openpyxl import Workbook

    target = folder / XLSX_FILE
    if target.exists():
        return target
    workbook = Workbook(write_only=True)
    sheet, written, number = None, XLSX_MAX_ROWS, 0
    with open(folder / ROWS_FILE, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        for line in reader:
            if written >= XLSX_MAX_ROWS:
                number += 1
                sheet = workbook.create_sheet("Filas" if number == 1 else f"Filas ({number})")
                sheet.append(header)
                written = 0
            line[0] = int(line[0]) if line[0].isdigit() else line[0]
            sheet.append(line)  # already neutralised when the CSV was written
            written += 1
    if sheet is None:
        workbook.create_sheet("Filas").append(header)
    descriptor, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(descriptor)
    try:
        workbook.save(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


# --- recognising the dataset from the header ------------------------------------------------


def header_row(path: Path, file_name: str) -> list[str]:
    """The file's header as the reader sees it, reading as little as possible."""
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    try:
        if container_format(head) == "zip":
            return list(read_table(path, name=file_name).headers)
        cut = head.rfind(b"\n", 0, len(head))
        sample = head if cut < 0 or len(head) < SAMPLE_BYTES else head[: cut + 1]
        with tempfile.NamedTemporaryFile(suffix=Path(file_name).suffix) as part:
            part.write(sample)
            part.flush()
            return list(read_table(Path(part.name), name=file_name).headers)
    except ReadError:
        return []


def recognise(
    headers: list[str], datasets: list[Dataset], catalog: Catalog, schemas: Path
) -> list[tuple[Dataset, float]]:
    """The datasets whose contract columns the header holds (share ≥ ½), best first."""
    present = {normalize(h) for h in headers}
    scored = []
    for dataset in datasets:
        contract = load_contract(dataset.schema_name, schemas)
        found = 0
        for spec in contract.columns.values():
            names = {spec.title, spec.name, *dataset.columns.get(spec.name, _NoDoc).aliases}
            found += any(normalize(n) in present for n in names)
        share = found / max(len(contract.columns), 1)
        if share >= MIN_SHARE:
            scored.append((dataset, round(share, 3)))
    return sorted(scored, key=lambda item: (-item[1], item[0].slug))


class _NoDoc:
    aliases: tuple[str, ...] = ()
