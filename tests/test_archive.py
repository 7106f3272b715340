"""The raw archive keeps every submission's exact bytes, once, read-only, crash-safe."""

from __future__ import annotations

import hashlib
import os
import stat
import tracemalloc
from datetime import datetime

import pytest

from datos_cali import archive
from datos_cali.settings import paths

CONTENT = "fecha;valor\n2021-03-15;1.234,5\nCalí;ñ\n".encode()


def _files_under(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_archives_under_the_content_address(tmp_path):
    source = tmp_path / "contratos.csv"
    source.write_bytes(CONTENT)
    sha = hashlib.sha256(CONTENT).hexdigest()

    stored = archive.archive_file(source, origin={"organismo": "hacienda", "file": source.name})

    expected = paths().state / "archive" / "sha256" / sha[:2] / sha[2:4] / sha
    assert stored == archive.ArchivedFile(sha, expected, len(CONTENT), already_present=False)
    assert archive.archive_path(sha) == expected
    assert expected.read_bytes() == CONTENT
    with archive.open_archived(sha) as handle:
        assert handle.read() == CONTENT


def test_identical_content_from_two_names_is_stored_once_with_two_origins(tmp_path):
    first, second = tmp_path / "enero.csv", tmp_path / "copia de enero.csv"
    first.write_bytes(CONTENT)
    second.write_bytes(CONTENT)

    a = archive.archive_file(first, origin={"file": first.name, "source": "inbox"})
    b = archive.archive_file(second, origin={"file": second.name, "source": "inbox"})

    assert a.sha256 == b.sha256 and a.path == b.path
    assert (a.already_present, b.already_present) == (False, True)
    stored = [p for p in _files_under(archive.archive_root()) if not p.name.endswith(".jsonl")]
    assert stored == [a.path]
    lines = archive.origins(a.sha256)
    assert [line["file"] for line in lines] == ["enero.csv", "copia de enero.csv"]
    for line in lines:
        assert datetime.fromisoformat(line["received_at"]).utcoffset().total_seconds() == 0
    assert archive.origins_path(a.sha256).name == f"{a.sha256}.origins.jsonl"


def test_archived_file_is_read_only(tmp_path):
    source = tmp_path / "datos.csv"
    source.write_bytes(CONTENT)
    stored = archive.archive_file(source, origin={})

    assert stat.S_IMODE(stored.path.stat().st_mode) == 0o444
    if os.geteuid() != 0:  # root ignores permission bits
        with pytest.raises(PermissionError):
            stored.path.open("wb")


def test_stream_and_file_give_the_same_address(tmp_path):
    source = tmp_path / "datos.csv"
    source.write_bytes(CONTENT)
    from_stream = archive.archive_stream(
        [CONTENT[:5], bytearray(CONTENT[5:9]), memoryview(CONTENT[9:])], origin={"via": "http"}
    )
    from_file = archive.archive_file(source, origin={"via": "inbox"})
    assert from_stream.sha256 == from_file.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert from_file.already_present


def test_large_file_is_archived_with_bounded_memory(tmp_path):
    size = 50 * 1024 * 1024
    source = tmp_path / "grande.csv"
    expected = hashlib.sha256()
    block = os.urandom(1024 * 1024)
    with open(source, "wb") as out:
        for _ in range(size // len(block)):
            out.write(block)
            expected.update(block)

    tracemalloc.start()
    try:
        stored = archive.archive_file(source, origin={"file": source.name})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert stored.size == size
    assert stored.sha256 == expected.hexdigest()
    assert peak < 4 * 1024 * 1024, f"peak Python allocation {peak / 2**20:.1f} MiB"
    assert archive.verify(stored.sha256)


def test_crash_mid_copy_leaves_no_final_file_and_no_debris():
    class ConnectionLost(Exception):
        pass

    def interrupted():
        yield CONTENT
        raise ConnectionLost

    with pytest.raises(ConnectionLost):
        archive.archive_stream(interrupted(), origin={"source": "http"})

    final = archive.archive_path(hashlib.sha256(CONTENT).hexdigest())
    assert not final.exists()
    assert _files_under(archive.archive_root()) == []


def test_verify_detects_missing_and_altered_bytes(tmp_path):
    stored = archive.archive_stream([CONTENT], origin={})
    assert archive.verify(stored.sha256)

    os.chmod(stored.path, 0o644)
    stored.path.write_bytes(CONTENT + b"x")
    assert not archive.verify(stored.sha256)
    assert not archive.verify(hashlib.sha256(b"never sent").hexdigest())


def test_rejects_malformed_digests_and_non_bytes():
    with pytest.raises(ValueError, match="SHA-256"):
        archive.archive_path("../../etc/passwd")
    with pytest.raises(FileNotFoundError, match="no está en el archivo"):
        archive.open_archived(hashlib.sha256(b"nada").hexdigest())
    with pytest.raises(TypeError, match="bloques de bytes"):
        archive.archive_stream(["texto"], origin={})
    assert _files_under(archive.archive_root()) == []
