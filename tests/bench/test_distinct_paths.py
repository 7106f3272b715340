"""The fast paths change no result: a file read with dictionary-encoded columns and checked on
distinct values gives the same findings, scores, typed frame and row hashes as every row read
and checked one by one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from bench.common import NOW, catalog_entry
from bench.data import vaccination_table, write_csv
from datos_cali import hashing
from datos_cali.portals.diff import Snapshot, changes
from datos_cali.quality import analyse
from datos_cali.reading import csv_file, read_table
from datos_cali.reading import table as raw_table

ROWS = 30_000


def _set(table: pa.Table, column: str, rows: list[int], values: list[str]) -> pa.Table:
    cells = table[column].to_pylist()
    for row, value in zip(rows, values, strict=True):
        cells[row] = value
    position = table.schema.get_field_index(column)
    return table.set_column(position, column, pa.array(cells, pa.string()))


@pytest.fixture(scope="module")
def submission(tmp_path_factory):
    """A vaccination export with a bit of everything the checks look for."""
    table = vaccination_table(ROWS, seed=7)
    table = _set(table, "biologico", [10, 20, 30], ["Sputnik", "", "pfizer"])
    table = _set(table, "fecha_aplicacion", [5, 6, 7, 8], ["31/02/2021", "2099-01-01", "", "x"])
    table = _set(table, "id_registro", [100, 101, 102], ["VAC-0000001", "VAC-0000001", "ABC"])
    table = _set(table, "comuna_residencia", [40, 41, 42], ["COMUNA 3", "Comuna 99", " Comuna 3 "])
    table = _set(table, "ips_vacunadora", [50, 51, 52], ["TOTAL", "=1+1", "C.C. 1.144.123.456"])
    table = _set(table, "grupo_edad", list(range(200, 260)), ["N/A"] * 60)
    table = _set(table, "regimen_afiliacion", [300, 301], ["Subsidiado ", "subsidiado"])
    return write_csv(table, tmp_path_factory.mktemp("equivalencia") / "vacunacion.csv")


def _analysed(path, monkeypatch, *, fast: bool):
    """`fast`: dictionary-encoded reading and distinct views from 1,000 rows on; otherwise
    neither (every check reads every row)."""
    monkeypatch.setattr(csv_file, "DICTIONARY_MIN_BYTES", 0 if fast else 10**12)
    monkeypatch.setattr(raw_table, "PROBE_ROWS", 1_000 if fast else 10**9)
    dataset, contract, organismo, spec = catalog_entry()
    raw = read_table(path)
    assert any(raw_table.is_dictionary(c) for c in raw.columns) is fast
    analysis = analyse(raw, dataset, contract, now=NOW, organismo=organismo)
    assert bool(analysis.typed.views) is fast
    return analysis, spec


def _findings(analysis) -> list[tuple]:
    return [
        (f.kind, f.code, f.column, f.count, tuple(f.rows), f.message, f.severity)
        for f in analysis.findings
    ]


def test_findings_scores_frame_and_hashes_are_the_same(submission, monkeypatch):
    fast, spec = _analysed(submission, monkeypatch, fast=True)
    slow, _ = _analysed(submission, monkeypatch, fast=False)
    assert _findings(fast) == _findings(slow)
    codes = {f.code for f in fast.findings}
    assert {"valor_desconocido", "valor_repetido", "fecha_imposible", "fila_de_totales"} <= codes
    assert {key: s.model_dump() for key, s in fast.scores.items()} == {
        key: s.model_dump() for key, s in slow.scores.items()
    }
    pd.testing.assert_frame_equal(fast.typed.frame, slow.typed.frame)
    fast_hashes = hashing.row_hashes(fast.typed.frame)
    hashing._DISTINCT.clear()  # the same frame hashed cell by cell
    assert np.array_equal(fast_hashes, hashing.row_hashes(fast.typed.frame))
    assert np.array_equal(fast_hashes, hashing.row_hashes(slow.typed.frame))
    assert Snapshot.of(fast.typed.frame, spec).same_content(Snapshot.of(slow.typed.frame, spec))


def test_rows_built_from_distinct_values_are_the_rows_of_the_frame(submission, monkeypatch):
    from datos_cali.portals.engine import rows_of
    from datos_cali.portals.records import canonical_rows

    analysis, spec = _analysed(submission, monkeypatch, fast=True)
    columns = analysis.typed.columns
    positions = np.array([0, 5, 7, 40, 29_999, 5])
    assert columns.distinct("biologico") is not None  # not built yet
    taken = rows_of(columns, positions)
    frame = analysis.typed.frame
    pd.testing.assert_frame_equal(taken, frame.iloc[positions].reset_index(drop=True))
    assert canonical_rows(taken, spec) == canonical_rows(frame.iloc[positions], spec)


def test_repeated_values_are_found_exactly():
    values = pa.chunked_array([pa.array(["a", "b", None, "a", "c", None, "d"])])
    assert hashing.repeated(values).tolist() == [True, False, True, True, False, True, False]
    assert not hashing.repeated(pa.chunked_array([pa.array(["x", "y"])])).any()


def test_changes_match_rows_by_key_in_any_order():
    keys = pa.array([f"K{i}" for i in range(10)])
    before = Snapshot(np.arange(10, dtype=np.uint64), keys)
    moved = pc.take(keys, pa.array([9, 0, 1, 2, 3, 4, 5, 6, 7]))  # K8 gone, order changed
    hashes = np.array([9, 0, 1, 2, 33, 4, 5, 6, 7], dtype=np.uint64)  # K3 changed
    after = Snapshot(hashes, pa.concat_arrays([moved, pa.array(["K10"])]))
    after.hashes = np.append(hashes, np.uint64(10))
    change = changes(after, before)
    assert change.delete_keys == ["K8"] and change.new == 1 and change.changed == 1
    assert sorted(change.upsert_positions.tolist()) == [4, 9]
    assert list(Snapshot(before.hashes, before.keys).key_array.to_pylist()) == keys.to_pylist()
