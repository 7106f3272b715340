"""`datos-cali report build`: where it writes, what it refuses, and rebuilding in place."""

from __future__ import annotations

from typer.testing import CliRunner

from datos_cali.catalog import load_catalog
from datos_cali.cli.app import app
from datos_cali.settings import paths


def invoke(*args):
    return CliRunner().invoke(app, ["report", "build", *map(str, args)], catch_exceptions=False)


def test_build_writes_where_the_flows_link_to(isolated_state):
    result = invoke()
    assert result.exit_code == 0, result.output
    assert "Sitio de informes generado" in result.stdout
    assert "Aún no hay ejecuciones registradas" in result.stdout
    # flows/publish.py links each run to <state>/reports/site/conjuntos/<slug>.html
    site = paths().reports / "site"
    assert site == isolated_state / "reports" / "site"
    for slug in load_catalog(paths().catalog).datasets:
        assert (site / "conjuntos" / f"{slug}.html").is_file(), slug


def test_build_refuses_a_folder_that_is_not_a_site(tmp_path):
    folder = tmp_path / "mis-documentos"
    folder.mkdir()
    (folder / "tesis.docx").write_bytes(b"importante")
    result = invoke("--out", folder)
    assert result.exit_code == 2
    assert "no es un sitio de informes" in result.stderr
    assert (folder / "tesis.docx").read_bytes() == b"importante"


def test_rebuilding_replaces_the_previous_site_whole(tmp_path):
    out = tmp_path / "sitio"
    assert invoke("--out", out).exit_code == 0
    stale = out / "conjuntos" / "conjunto-que-ya-no-existe.html"
    stale.write_text("viejo", encoding="utf-8")
    assert invoke("--out", out).exit_code == 0
    assert not stale.exists()
    assert (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["sitio"]  # no staging folders left behind
