"""Usage from web-server access logs: a real nginx (Debian) in front of the local portal writes
the log, and the office's command imports lines in the documented combined format."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time

import pytest
import requests

from datos_cali.catalog import load_catalog
from datos_cali.catalog.models import PortalName
from datos_cali.ledger import open_ledger
from datos_cali.pipeline import run_dataset
from datos_cali.portals.session import PortalSession
from datos_cali.settings import paths
from datos_cali.usage import UsageStore
from datos_cali.usage.accesslogs import AccessLogError, import_access_logs
from datos_cali.usage.collect import Asset
from tests.cli.conftest import cli  # noqa: F401  (the CLI runner fixture)
from tests.fixtures.ckan import free_port
from tests.portals.conftest import Publisher, prepared

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ROBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {root}/access.log combined;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{ proxy_pass {upstream}; }}
    }}
}}
"""


@pytest.fixture
def nginx_in_front(tmp_path):
    """Debian's nginx as the portal's reverse proxy; yields (start(upstream) → url, log path)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    root = tmp_path / "nginx"
    root.mkdir()
    processes = []

    def start(upstream: str) -> str:
        port = free_port()
        conf = root / "nginx.conf"
        conf.write_text(NGINX_CONF.format(root=root, port=port, upstream=upstream))
        processes.append(subprocess.Popen([binary, "-p", str(root), "-c", str(conf)]))
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{url}/api/3/action/status_show", timeout=2)
                return url
            except requests.ConnectionError:
                time.sleep(0.05)
        pytest.fail("nginx no arrancó: " + (root / "error.log").read_text(), pytrace=False)

    yield start, root / "access.log"
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def test_a_real_nginx_log_gives_visits_and_downloads_without_robots(tmp_path, nginx_in_front):
    start, log = nginx_in_front
    publisher = Publisher(tmp_path / "run", PortalName.DATOS_CALI)
    try:
        item = prepared("indice-mensual-actividad-economica")
        outcome = publisher.publish(item)
        name = outcome.asset_id
        url = start(publisher.site)
        [table] = publisher.portal.resource_ids([name])
        people, robot = {"User-Agent": BROWSER}, {"User-Agent": ROBOT}
        for _ in range(3):
            assert (
                requests.get(f"{url}/dataset/{name}", headers=people, timeout=10).status_code == 200
            )
        assert requests.get(f"{url}/dataset/{name}", headers=robot, timeout=10).status_code == 200
        dump = requests.get(f"{url}/datastore/dump/{table}", headers=people, timeout=10)
        assert dump.status_code == 200 and dump.text.startswith("_id,")
        assert len(dump.text.splitlines()) == len(item.frame) + 1
        assert (
            requests.get(f"{url}/datastore/dump/{table}", headers=robot, timeout=10).status_code
            == 200
        )
        assert (
            requests.get(f"{url}/dataset/otro-conjunto", headers=people, timeout=10).status_code
            == 404
        )
        api = requests.post(
            f"{url}/api/3/action/package_show", json={"id": name}, headers=people, timeout=10
        )
        assert api.status_code == 200  # an API read: neither a visit nor a download
        resources = publisher.portal.resource_ids([name])
        published = [Asset(item.spec.slug, item.spec.organismo, name)]
    finally:
        publisher.close()

    lines = log.read_text().splitlines()
    assert len(lines) >= 8 and all('" 200 ' in line or '" 404 ' in line for line in lines[1:])
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    target = PortalName.DATOS_CALI.value
    with open_ledger() as ledger:
        done = import_access_logs([log], target, published, resources, ledger, tomorrow)
        assert (done.views, done.downloads, done.bots, done.stored) == (3, 1, 2, 1)
        [reading] = UsageStore(ledger).snapshots()
        assert (reading.portal, reading.asset_id) == (f"registro@{target}", name)
        assert (reading.views, reading.downloads) == (3, 1)
        # The same log again stores nothing; and today's requests wait for the day to end.
        again = import_access_logs([log], target, published, resources, ledger, tomorrow)
        assert again.stored == 0 and UsageStore(ledger).count() == 1
        now = dt.datetime.now(dt.UTC)
        today = import_access_logs([log], target, published, resources, ledger, now)
        assert (today.today, today.stored) == (4, 0)


def test_log_lines_that_are_not_combined_format_are_a_spanish_error(tmp_path):
    log = tmp_path / "error.log"
    log.write_text("2026/12/01 10:00:00 [error] 12#12: *1 connect() failed\n")
    with open_ledger() as ledger, pytest.raises(AccessLogError, match="formato combinado"):
        import_access_logs([log], "datos.cali.gov.co", [], {}, ledger, dt.datetime.now(dt.UTC))


def combined(day: str, path: str, agent: str = BROWSER, status: int = 200) -> str:
    """One line as nginx's `combined` log_format writes it (Cali's offset, −05:00)."""
    moment = dt.datetime.fromisoformat(f"{day}T10:15:00-05:00").strftime("%d/%b/%Y:%H:%M:%S %z")
    return (
        f'181.49.1.7 - - [{moment}] "GET {path} HTTP/1.1" {status} 5120 '
        f'"https://datos.cali.gov.co/dataset" "{agent}"\n'
    )


def test_the_office_imports_logs_and_the_report_counts_them(office, cli, tmp_path):  # noqa: F811
    slug = office.add_to("planeacion", "imae-ckan", targets=[{"portal": "datos.cali.gov.co"}])
    with PortalSession(paths().state) as session, open_ledger() as ledger:
        run = run_dataset(slug, session, ledger, catalog=load_catalog(paths().catalog))
        assert run.outcome == "published", run.message

    log = tmp_path / "access.log"
    lines = [combined("2026-03-02", f"/dataset/{slug}") for _ in range(4)]
    table = "0a1b2c3d-0000-4000-8000-00000000abcd"
    lines += [combined("2026-03-03", f"/dataset/{slug}/resource/{table}/download/imae.csv")]
    lines += [combined("2026-03-03", f"/dataset/{slug}")] * 2
    lines += [combined("2026-03-03", f"/dataset/{slug}", agent="curl/8.5.0")]
    lines += [combined("2026-03-03", f"/dataset/{slug}", status=500)]
    lines += [combined("2026-03-03", "/dataset/no-publicado")]
    log.write_text("".join(lines), encoding="utf-8")

    result = cli("usage", "import-logs", str(log))
    assert result.exit_code == 0, result.output
    assert "visitas 6, descargas 1" in result.output and "de robots 1" in result.output
    assert "Lecturas guardadas: 2 de 2 (días 2026-03-02 a 2026-03-03)" in result.output
    assert "no se guardó" not in result.output.lower()

    report = json.loads(cli("usage", "report", "--year", "2026", "--json").output)
    assert (report["total"]["views"], report["total"]["downloads"]) == (6, 1)

    again = cli("usage", "import-logs", str(log))
    assert again.exit_code == 0 and "No se guardó ninguna lectura nueva" in again.output

    missing = cli("usage", "import-logs", str(tmp_path / "no-existe.log"))
    assert missing.exit_code != 0 and "No se encuentra el archivo" in missing.output
