"""The personal-data scan stays vectorised and bounded on a million-row column."""

import time

import numpy as np
import pytest

from datos_cali.catalog.models import Dataset
from datos_cali.quality.personal_data import SAMPLE_ROWS, scan_personal_data
from tests.quality.builders import base_dataset, raw_table

ROWS = 1_000_000


@pytest.mark.slow
def test_a_million_row_free_text_column():
    rng = np.random.default_rng(0)
    sentence = (
        "revisión mensual del comité de seguimiento con acta firmada por el profesional del "
        "proceso en la sede norte radicado oficio 4146.010"
    )
    words = np.array(sentence.split(" "))
    texts = [" ".join(row) for row in words[rng.integers(0, len(words), size=(ROWS, 10))]]
    texts[654_321] = "Llamar al señor Juan Carlos Pérez, C.C. 1.144.123.456, celular 300 123 4567"
    dataset = Dataset.model_validate(base_dataset(["observaciones"]))
    started = time.perf_counter()
    scan = scan_personal_data(raw_table({"observaciones": texts}), dataset)
    elapsed = time.perf_counter() - started
    column = scan.columns[0]
    assert column.sampled_rows == SAMPLE_ROWS
    assert {k: v.positions.tolist() for k, v in column.detections.items()} == {
        "cedula": [654_321],
        "celular": [654_321],
        "nombre": [654_321],
    }
    assert elapsed < 10, elapsed  # about 0.7 s on the development machine
