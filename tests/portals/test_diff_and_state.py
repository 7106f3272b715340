import datetime as dt
import threading
import time

import numpy as np
import pandas as pd
import pytest

from datos_cali.portals.base import DatasetSpec, PortalColumn
from datos_cali.portals.diff import Snapshot, changes
from datos_cali.portals.records import canonical_rows, chunks
from datos_cali.portals.state import DatasetBusy, PublicationState, Published

SPEC = DatasetSpec(
    slug="demo", name="Demo", description="d" * 20,
    columns=(
        PortalColumn("id", "Id", "text", "x"),
        PortalColumn("valor", "Valor", "number", "x"),
        PortalColumn("fecha", "Fecha", "calendar_date", "x"),
    ),
    row_identifier="id", category="c", tags=("t",), license="l", attribution="a",
    organismo="o", organismo_name="O", frequency="Mensual",
)  # fmt: skip


def frame(ids, values):
    return pd.DataFrame(
        {
            "id": pd.array(ids, dtype=pd.StringDtype("pyarrow")),
            "valor": pd.array(values, dtype="double[pyarrow]"),
            "fecha": pd.array(
                [dt.date(2021, 1, i + 1) for i in range(len(ids))], dtype="date32[pyarrow]"
            ),
        }
    )


def test_changes_finds_new_changed_and_gone_keys():
    before = Snapshot.of(frame(["a", "b", "c"], [1, 2, 3]), SPEC)
    after = Snapshot.of(frame(["a", "b", "d"], [1, 20, 4]), SPEC)
    change = changes(after, before)
    assert change.upsert_positions.tolist() == [1, 2]
    assert (change.new, change.changed, change.delete_keys) == (1, 1, ["c"])


def test_no_previous_state_means_everything_is_new():
    change = changes(Snapshot.of(frame(["a", "b"], [1, 2]), SPEC), None)
    assert change.upsert_positions.tolist() == [0, 1] and change.delete_keys == []


def test_hashes_ignore_row_order_for_content_comparison():
    one = Snapshot.of(frame(["a", "b"], [1, 2]), SPEC)
    two = Snapshot.of(
        frame(["b", "a"], [2, 1]).assign(fecha=lambda f: f["fecha"].iloc[::-1].to_numpy()), SPEC
    )
    assert one.same_content(two)
    assert not one.same_content(Snapshot.of(frame(["a", "b"], [1, 3]), SPEC))


def test_canonical_rows_use_floating_timestamps():
    rows = canonical_rows(frame(["a"], [1.5]), SPEC)
    assert rows == [{"id": "a", "valor": 1.5, "fecha": "2021-01-01T00:00:00.000"}]


def test_chunks_split_by_rows_and_by_bytes():
    rows = [{"n": i} for i in range(10)]
    assert [len(c) for c in chunks(rows, max_rows=4, max_bytes=10**6, size_of=lambda r: 1)] == [
        4,
        4,
        2,
    ]
    assert [len(c) for c in chunks(rows, max_rows=100, max_bytes=30, size_of=lambda r: 10)] == [
        3,
        3,
        3,
        1,
    ]


def test_state_round_trips_and_replaces_atomically(tmp_path):
    state = PublicationState(tmp_path, "socrata@local")
    snapshot = Snapshot.of(frame(["a", "b"], [1, 2]), SPEC)
    state.remember_asset("demo", "abcd-1234")
    state.record(
        "demo",
        Published("abcd-1234", dt.datetime(2021, 5, 1, tzinfo=dt.UTC), "f" * 64, 2, snapshot),
    )
    state.record(
        "demo",
        Published("abcd-1234", dt.datetime(2021, 6, 1, tzinfo=dt.UTC), "e" * 64, 2, snapshot),
    )
    last = state.last("demo")
    assert state.asset_id("demo") == "abcd-1234"
    assert last.published_at.month == 6 and last.source_sha256 == "e" * 64
    assert np.array_equal(last.snapshot.hashes, snapshot.hashes)
    assert list(last.snapshot.keys) == ["a", "b"]
    assert len(list(state.folder.glob("demo.*.parquet"))) == 1  # the old hashes file is gone
    assert not list(state.folder.glob(".*.tmp"))


def test_two_writers_of_one_dataset_never_overlap(tmp_path):
    state = PublicationState(tmp_path, "socrata@local")
    inside, overlaps = [], []

    def writer():
        with state.writing("demo", wait=10):
            if inside:
                overlaps.append(True)
            inside.append(1)
            time.sleep(0.2)
            inside.pop()

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []


def test_a_busy_dataset_fails_with_a_spanish_message(tmp_path):
    state = PublicationState(tmp_path, "socrata@local")
    with state.writing("demo"):
        other = PublicationState(tmp_path, "socrata@local")
        busy = pytest.raises(DatasetBusy, match="Otra ejecución está publicando «demo»")
        with busy, other.writing("demo", wait=0.3):
            pass


def test_datetimes_become_floating_timestamps_whatever_their_precision():
    spec = DatasetSpec(
        slug="t", name="T", description="d" * 20,
        columns=(PortalColumn("momento", "Momento", "calendar_date", "x"),),
        row_identifier=None, category="c", tags=("t",), license="l", attribution="a",
        organismo="o", organismo_name="O", frequency="Mensual",
    )  # fmt: skip
    moments = pd.Series(
        pd.to_datetime(["2021-03-15 08:30:00", "2021-03-15 08:30:59.999"], format="ISO8601")
    )
    rows = canonical_rows(pd.DataFrame({"momento": moments}), spec)
    assert [r["momento"] for r in rows] == ["2021-03-15T08:30:00.000", "2021-03-15T08:30:59.000"]


def test_a_created_but_unpublished_asset_is_remembered_as_such(tmp_path):
    state = PublicationState(tmp_path, "socrata@local")
    state.remember_asset("demo", "abcd-1234")
    assert state.is_unpublished("demo")
    state.mark_public("demo")
    assert not state.is_unpublished("demo") and state.asset_id("demo") == "abcd-1234"
