"""Alembic brings an empty database to the models' exact schema, and back, on both backends."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from datos_cali.ledger import (
    Base,
    create_ledger_engine,
    current_revision,
    display_url,
    downgrade,
    head_revision,
    ledger_url,
    migrate,
    open_ledger,
    versioning,
)
from datos_cali.ledger.versioning import alembic_config, migration_connection
from tests.ledger.sample import a_run


def _tables(url: str) -> set[str]:
    engine = create_ledger_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _guards(url: str) -> set[str]:
    """Names of the append-only triggers present on `runs`."""
    engine = create_ledger_engine(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'runs'"
            else:
                sql = (
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                    "AND tgrelid = 'runs'::regclass"
                )
            return set(connection.exec_driver_sql(sql).scalars())
    finally:
        engine.dispose()


def test_upgrade_empty_database_to_head(db_url):
    migrate(db_url)

    engine = create_ledger_engine(db_url)
    try:
        assert current_revision(engine) == head_revision() == "0007"
    finally:
        engine.dispose()
    assert {"runs", "usage_snapshots", "alembic_version"} <= _tables(db_url)
    assert _guards(db_url)


def test_migrated_schema_matches_the_models(db_url):
    migrate(db_url)
    engine = create_ledger_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        with migration_connection(engine) as connection:
            command.check(alembic_config(connection))  # what `alembic check` runs
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(db_url):
    with open_ledger(db_url) as ledger:
        ledger.record(a_run())

    downgrade(db_url, "base")
    assert "runs" not in _tables(db_url)
    engine = create_ledger_engine(db_url)
    try:
        assert current_revision(engine) is None
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                leftover = connection.execute(
                    text("SELECT count(*) FROM pg_proc WHERE proname = 'runs_append_only'")
                ).scalar_one()
            assert leftover == 0
    finally:
        engine.dispose()

    with open_ledger(db_url) as ledger:
        assert ledger.count() == 0
        ledger.record(a_run())
        assert ledger.count() == 1
    assert _guards(db_url)


def test_open_ledger_twice_keeps_the_rows(db_url):
    with open_ledger(db_url) as ledger:
        ledger.record(a_run())
    with open_ledger(db_url) as ledger:
        assert ledger.count() == 1


def test_a_schema_newer_than_the_code_is_reported_not_touched(db_url):
    migrate(db_url)
    engine = create_ledger_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    with pytest.raises(RuntimeError, match="versión 9999"):
        open_ledger(db_url)
    assert "runs" in _tables(db_url)


def test_default_url_lives_in_the_state_folder(tmp_path, monkeypatch):
    state = tmp_path / "nueva" / "carpeta"
    monkeypatch.setenv("DATOS_CALI_STATE", str(state))
    monkeypatch.delenv("DATOS_CALI_DB_URL", raising=False)
    assert ledger_url() == f"sqlite:///{state / 'ledger.db'}"

    with open_ledger() as ledger:
        ledger.record(a_run())
    assert (state / "ledger.db").is_file()

    monkeypatch.setenv("DATOS_CALI_DB_URL", "postgresql+psycopg://u:secreto@127.0.0.1:5/x")
    assert ledger_url() == "postgresql+psycopg://u:secreto@127.0.0.1:5/x"


def test_display_url_hides_the_password(tmp_path):
    with open_ledger(f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        assert "l.db" in repr(ledger)
    shown = display_url("postgresql+psycopg://u:secreto@127.0.0.1:5/x")
    assert "secreto" not in shown and "127.0.0.1:5/x" in shown


_RACER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from datos_cali.ledger import open_ledger
    url, start_at, name = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    while time.time() < start_at:
        time.sleep(0.001)
    now = datetime.now(UTC)
    with open_ledger(url) as ledger:
        ledger.record(dict(dataset=name, organismo="o", source_kind="inbox",
                           outcome="published", started_at=now, finished_at=now))
    """
)


def test_processes_starting_at_once_all_migrate_and_record(db_url):
    racers = 4
    start_at = time.time() + 3  # after every interpreter has imported SQLAlchemy
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, db_url, str(start_at), f"ds{i}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(racers)
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()

    assert [code for code, _ in results] == [0] * racers, [err for _, err in results]
    with open_ledger(db_url) as ledger:
        assert sorted(r.dataset for r in ledger.runs()) == [f"ds{i}" for i in range(racers)]
        with ledger.engine.connect() as connection:
            versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert versions.scalars().all() == [head_revision()]


def test_new_revision_is_numbered_and_chains_on_head(tmp_path, monkeypatch):
    """The path a later table takes: generate the next revision, then upgrade through it."""
    scripts = tmp_path / "migrations"
    shutil.copytree(versioning.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(versioning, "MIGRATIONS", scripts)

    head = head_revision()
    following = f"{int(head) + 1:04d}"
    written = versioning.new_revision("next table")

    assert written.parent == scripts / "versions"
    assert written.name == f"{following}_next_table.py"
    source = written.read_text()
    assert f'down_revision: str | Sequence[str] | None = "{head}"' in source
    assert "op." not in source  # the models did not change: nothing to create
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", str(written)], capture_output=True
    )
    assert lint.returncode == 0, lint.stdout
    url = f"sqlite:///{tmp_path / 'l.db'}"
    migrate(url)
    engine = create_ledger_engine(url)
    try:
        assert current_revision(engine) == head_revision() == following
    finally:
        engine.dispose()
