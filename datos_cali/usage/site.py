"""The usage page of the auditors' report site (`uso/index.html`), with its charts and data.

A provider for `datos_cali.reportsite` (see `datos_cali.reportsite.pages`): it reads the stored
snapshots, draws the charts as accessible SVG (each also written as a file beside the page) and
offers the report's figures as a CSV. The reportsite package is imported only here.
"""

from __future__ import annotations

from datos_cali.reportsite import Series, SiteContext, SitePage, bar_chart, csv_file, line_chart
from datos_cali.spanish import decimal
from datos_cali.usage.report import MONTHS_ES, TOP, UsageReport, usage_report

PATH = "uso/index.html"
TITLE = "Uso de los datos abiertos"
NAV = "Uso"
CSV_FILE = "uso/uso.csv"

BODY = """
{% if report.empty %}
<p class="aviso">Aún no hay datos de uso: la lectura diaria de los contadores de los portales
(flujo «recolectar-uso» o «datos-cali usage collect») todavía no ha guardado ninguna.</p>
{% else %}
<p>Lecturas del {{ report.first_day.isoformat() }} al {{ report.last_day.isoformat() }}:
{{ report.total.views|numero }} visitas y {{ report.total.downloads|numero }} descargas
({{ ratio(report.total) }} descargas por visita).{% if report.imported_days %} Incluye lecturas de
fin de mes importadas de las cifras mensuales de la oficina (anteriores a las lecturas
diarias).{% endif %}</p>
<h2>Por mes</h2>
{{ monthly }}
<h2>Por año</h2>
{{ yearly }}
{{ table("Visitas y descargas por año", "Año", report.by_year) }}
<h2>Por portal</h2>
{{ table("Visitas y descargas por portal", "Portal", report.by_portal) }}
<h2>Por organismo</h2>
{{ table("Visitas y descargas por organismo", "Organismo", report.by_organismo) }}
<h2>Los conjuntos más visitados</h2>
{{ top }}
<h2>Por conjunto de datos</h2>
{{ table("Visitas y descargas por conjunto de datos", "Conjunto de datos", report.by_dataset, links=True) }}
<p><a href="{{ csv }}">Descargar estas cifras en CSV</a> ·
Gráficos en SVG: {% for name, label in drawings %}<a href="{{ name }}">{{ label }}</a>{{ " · " if not loop.last }}{% endfor %}</p>
{% endif %}
<h2>Cómo se calculan</h2>
<p>Los portales solo informan cuántas visitas (vistas de la página del conjunto) y descargas
(exportaciones de sus datos) lleva cada conjunto desde que se creó. Cada día se lee ese contador y
se guarda la primera lectura del día (hora de Colombia); una segunda lectura el mismo día no cambia
nada, y lo que hubiera sumado aparece en la lectura siguiente. El uso de un día es lo que el
contador aumentó desde la lectura anterior: si faltan días, el aumento se cuenta el día en que se
observó; si el portal reinicia un contador, el valor nuevo se cuenta como uso. La primera lectura de
un conjunto cuenta todo su uso anterior. Así, la suma de los días es siempre igual al contador del
portal.{% if report.resets %} En este periodo hubo {{ report.resets|numero }} reinicios de
contador.{% endif %}</p>
"""
TABLE = """
<div class="tabla-desplazable" role="region" aria-label="{{ caption }}" tabindex="0">
<table>
  <caption>{{ caption }}</caption>
  <thead><tr><th scope="col">{{ first }}</th><th scope="col" class="numero">Visitas</th>
  <th scope="col" class="numero">Descargas</th><th scope="col" class="numero">Descargas por visita</th></tr></thead>
  <tbody>
{% for line in lines %}
    <tr><th scope="row">{% if link(line) %}<a href="{{ link(line) }}">{{ line.label }}</a>{% else %}{{ line.label }}{% endif %}</th>
    <td class="numero">{{ line.views|numero }}</td><td class="numero">{{ line.downloads|numero }}</td>
    <td class="numero">{{ ratio(line) }}</td></tr>
{% endfor %}
  </tbody>
</table>
</div>
"""


def pages(context: SiteContext) -> list[SitePage]:
    report = usage_report(context.ledger, context.catalog)
    charts = _charts(report)
    drawings = {f"uso/{chart.ident}.svg": chart for chart in charts.values() if chart.svg}

    def table(caption, first, lines, links=False):
        def link(line):
            if links and line.key in context.catalog.datasets:
                return context.href(PATH, context.dataset_page(line.key))
            return None

        return context.fragment(
            TABLE, caption=caption, first=first, lines=lines, link=link, ratio=_ratio
        )

    body = context.fragment(
        BODY,
        report=report,
        ratio=_ratio,
        table=table,
        csv=context.href(PATH, CSV_FILE),
        drawings=[(context.href(PATH, name), chart.title) for name, chart in drawings.items()],
        **{name: chart.html() for name, chart in charts.items()},
    )
    files = {name: chart.svg_document().encode("utf-8") for name, chart in drawings.items()}
    if not report.empty:
        files[CSV_FILE] = csv_file(report.csv_rows())
    return [SitePage(PATH, TITLE, str(body), nav_label=NAV, files=files)]


def _charts(report: UsageReport) -> dict:
    if report.empty:
        return {}
    top = report.top("views")
    return {
        "monthly": line_chart(
            "Visitas y descargas por mes",
            "Visitas y descargas que sumaron todos los conjuntos publicados cada mes.",
            x_labels=[_short_month(line.key) for line in report.by_month],
            series=_series(report.by_month),
            x_title="Mes",
            y_title="Cantidad",
            ident="uso-por-mes",
        ),
        "yearly": bar_chart(
            "Visitas y descargas por año",
            "Visitas y descargas que sumaron todos los conjuntos publicados cada año.",
            categories=[line.label for line in report.by_year],
            series=_series(report.by_year),
            x_title="Año",
            y_title="Cantidad",
            ident="uso-por-anio",
        ),
        "top": bar_chart(
            f"Conjuntos más visitados (hasta {TOP})",
            "Visitas de los conjuntos de datos con más visitas en todo el periodo, por su "
            "identificador en el catálogo.",
            categories=[line.key for line in top],  # titles are long and start alike
            series=[Series("Visitas", [line.views for line in top])],
            x_title="Conjunto de datos",
            y_title="Visitas",
            ident="uso-mas-visitados",
        ),
    }


def _short_month(key: str) -> str:
    """«2021-11» → «nov 2021»: short enough for a chart's axis."""
    year, month = key.split("-")
    return f"{MONTHS_ES[int(month) - 1][:3]} {year}"


def _series(lines) -> list[Series]:
    return [
        Series("Visitas", [line.views for line in lines]),
        Series("Descargas", [line.downloads for line in lines]),
    ]


def _ratio(line) -> str:
    return decimal(line.downloads_per_visit)
