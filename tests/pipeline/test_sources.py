"""Every source kind, for real: SQLite through SQLAlchemy, a loopback HTTP server, the local
portal (federation from Socrata), and an Excel workbook dropped in the inbox."""

from __future__ import annotations

import http.server
import sqlite3
import threading

import openpyxl
import pytest

from datos_cali.pipeline import run_dataset
from datos_cali.reading import read_table
from tests.pipeline.conftest import IMAE


def imae_rows():
    raw = read_table(IMAE)
    return list(zip(*[c.to_pylist() for c in raw.columns], strict=True)), raw.headers


def test_sql_source_reads_a_database_query(mini, session, ledger, tmp_path, monkeypatch):
    database = tmp_path / "planeacion.db"
    rows, _ = imae_rows()
    with sqlite3.connect(database) as connection:
        connection.execute("create table imae (anio int, mes text, indice real, variacion real)")
        connection.executemany(
            "insert into imae values (?, ?, ?, ?)",
            [
                (int(a), m, float(i.replace(",", ".")), float(v.replace(",", ".")) if v else None)
                for a, m, i, v in rows
            ],
        )
    monkeypatch.setenv("IMAE_DB", f"sqlite:///{database}")
    query = 'select anio as "Año", mes as "Mes", indice as "Índice (2015=100)", variacion as "Variación anual (%)" from imae'
    slug = mini.add("imae-sql", {"kind": "sql", "location": "env:IMAE_DB", "query": query})
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published" and run.rows == 72
    [row] = ledger.runs(dataset=slug)
    assert row.source_uri == f"sql:sqlite:///{database}" and row.source_file_name == "consulta.csv"


def test_sql_source_with_a_bad_query_fails_cleanly(mini, session, ledger, tmp_path, monkeypatch):
    monkeypatch.setenv("IMAE_DB", f"sqlite:///{tmp_path / 'vacia.db'}")
    slug = mini.add(
        "imae-sql-malo", {"kind": "sql", "location": "env:IMAE_DB", "query": "select * from nada"}
    )
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "failed" and run.message.startswith("La consulta SQL falló")


@pytest.fixture
def web_server(tmp_path):
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "imae.csv").write_bytes(IMAE.read_bytes())

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path / "www"), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_url_source_downloads_over_http(mini, session, ledger, web_server):
    slug = mini.add("imae-url", {"kind": "url", "location": f"{web_server}/imae.csv"})
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published" and run.rows == 72
    assert ledger.runs(dataset=slug)[0].source_file_name == "imae.csv"


def test_url_source_404_is_a_clean_failure(mini, session, ledger, web_server):
    slug = mini.add("imae-url-404", {"kind": "url", "location": f"{web_server}/no-existe.csv"})
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "failed" and "HTTP 404" in run.message


def test_federation_from_an_existing_socrata_dataset(mini, session, ledger):
    origin = mini.add("imae-origen", {"kind": "inbox", "pattern": "IMAE*"})
    mini.drop_in_inbox()
    first = run_dataset(origin, session, ledger)
    asset = first.targets[0].asset_id
    copy = mini.add(
        "imae-federado",
        {"kind": "socrata", "location": session.local.url, "asset_id": asset},
        title="IMAE federado desde otro portal",
    )
    run = run_dataset(copy, session, ledger)
    assert run.outcome == "published" and run.rows == 72
    assert run.targets[0].asset_id != asset


def test_xlsx_in_the_inbox(mini, session, ledger):
    rows, headers = imae_rows()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for anio, mes, indice, variacion in rows:
        sheet.append(
            [
                int(anio),
                mes,
                float(indice.replace(",", ".")),
                float(variacion.replace(",", ".")) if variacion else None,
            ]
        )
    slug = mini.add("imae-excel", {"kind": "inbox", "pattern": "IMAE*"})
    target = mini.drop_in_inbox("IMAE.xlsx", b"")
    book.save(target)
    run = run_dataset(slug, session, ledger)
    assert run.outcome == "published" and run.rows == 72, ledger.runs(dataset=slug)[0].findings
