"""The compliance pages of the auditors' report site: `cumplimiento/index.html` (the current
plan year) and one page per other plan year, with a chart, the tables and the figures as CSV.

A provider for `datos_cali.reportsite` (see `datos_cali.reportsite.pages`); the reportsite
package is imported only here.
"""

from __future__ import annotations

from datos_cali.compliance.figures import COMPLIANCE_DATASET, compliance_figures
from datos_cali.compliance.history import first_run, load_history
from datos_cali.compliance.published import published_figures
from datos_cali.compliance.report import (
    STATUS_ES,
    ComplianceReport,
    Status,
    compliance_report,
    default_year,
    plan_years,
)
from datos_cali.reportsite import Series, SiteContext, SitePage, bar_chart, csv_file
from datos_cali.settings import OFFICE_ZONE
from datos_cali.settings import paths as state_paths
from datos_cali.spanish import percent

INDEX = "cumplimiento/index.html"
TITLE = "Cumplimiento del plan de apertura {year}"
NAV = "Cumplimiento"
CSV_FILE = "cumplimiento/cumplimiento.csv"

NOT_RECORDED = """
<p class="aviso">No hay ejecuciones registradas hasta el cierre de {{ year }}: el registro empieza
el {{ first }}, así que el cumplimiento de {{ year }} no se puede medir con él.{% if figures %}{{ " " }}Según las cifras publicadas por la oficina en <a href="{{ office_href }}">{{ office }}</a>,
conjuntos comprometidos publicados: {{ figures.published|numero }} de
{{ figures.committed|numero }}; a tiempo: {{ figures.on_time|numero }} de
{{ figures.committed|numero }}.{% elif office %}{{ " " }}Las cifras que la oficina informó para ese año
están en el conjunto <a href="{{ office_href }}">{{ office }}</a>.{% endif %}</p>
{% if other_years %}<p>Otros años: {% for label, link in other_years %}<a href="{{ link }}">{{ label }}</a>{{ " · " if not loop.last }}{% endfor %}</p>{% endif %}
"""
BODY = """
{% from "macros.html" import scroll_table %}
<p>Cifras {% if closed %}al cierre del año ({{ report.cut_day.isoformat() }}){% else %}al
{{ report.cut_day.isoformat() }}{% endif %}, según el registro de ejecuciones.
{% if total.committed %}Indicador del plan anticorrupción (meta 100 %), conjuntos comprometidos
publicados: <strong>{{ total.published|numero }} de {{ total.committed|numero }}</strong>
({{ pct(total.share_published) }}); a tiempo: {{ total.on_time|numero }} de
{{ total.committed|numero }} ({{ pct(total.share_on_time) }}).{% else %}Ningún organismo tiene
compromisos en el plan de este año.{% endif %}</p>
<p>De los {{ report.catalog_size|numero }} conjuntos del catálogo: al día {{ total.current|length|numero }};
desactualizados {{ total.stale|length|numero }}; sin publicar {{ total.never_published|length|numero }}.
En el año: {{ total.new|length|numero }} {{ "conjunto nuevo" if total.new|length == 1 else "conjuntos nuevos" }} y
{{ total.updated|length|numero }} {{ "actualizado" if total.updated|length == 1 else "actualizados" }}.</p>
{% if other_years %}<p>Otros años: {% for label, link in other_years %}<a href="{{ link }}">{{ label }}</a>{{ " · " if not loop.last }}{% endfor %}</p>{% endif %}
<h2>Por organismo</h2>
{{ chart }}
{% call scroll_table("tabla-organismos", "Plan de apertura, actualización y conjuntos nuevos por organismo en " ~ report.year) %}
  <thead><tr><th scope="col">Organismo</th><th scope="col" class="numero">Comprometidos</th>
  <th scope="col" class="numero">Publicados</th><th scope="col" class="numero">Publicados (%)</th>
  <th scope="col" class="numero">A tiempo</th><th scope="col" class="numero">A tiempo (%)</th>
  <th scope="col" class="numero">Desactualizados</th><th scope="col" class="numero">Nuevos</th>
  <th scope="col" class="numero">Actualizados</th></tr></thead>
  <tbody>
{% for o in rows %}
    <tr><th scope="row">{% if o.link %}<a href="{{ o.link }}">{{ o.entry.name }}</a>{% else %}{{ o.entry.name }}{% endif %}</th>
    <td class="numero">{{ o.entry.committed|numero }}</td><td class="numero">{{ o.entry.published|numero }}</td>
    <td class="numero">{{ pct(o.entry.share_published) }}</td><td class="numero">{{ o.entry.on_time|numero }}</td>
    <td class="numero">{{ pct(o.entry.share_on_time) }}</td><td class="numero">{{ o.entry.stale|length|numero }}</td>
    <td class="numero">{{ o.entry.new|length|numero }}</td><td class="numero">{{ o.entry.updated|length|numero }}</td></tr>
{% endfor %}
  </tbody>
{% endcall %}
<h2>Compromisos no cumplidos a tiempo</h2>
{% if missed %}
{% call scroll_table("tabla-compromisos", "Conjuntos del plan " ~ report.year ~ " que no se publicaron en su fecha meta") %}
  <thead><tr><th scope="col">Conjunto de datos</th><th scope="col">Organismo</th><th scope="col">Fecha meta</th>
  <th scope="col">Primera publicación</th><th scope="col">Estado</th></tr></thead>
  <tbody>
{% for c in missed %}
    <tr><th scope="row">{{ c.title }}</th><td>{{ names.get(c.organismo, c.organismo) }}</td><td>{{ c.due.isoformat() }}</td>
    <td>{{ c.first_published.isoformat() if c.first_published else "—" }}</td><td>{{ status[c.status] }}</td></tr>
{% endfor %}
  </tbody>
{% endcall %}
{% else %}
<p>Todos los compromisos con fecha vencida se publicaron a tiempo.</p>
{% endif %}
<h2>Conjuntos desactualizados</h2>
{% if total.stale %}
{% call scroll_table("tabla-desactualizados", "Conjuntos cuya frecuencia declarada pedía una actualización") %}
  <thead><tr><th scope="col">Conjunto de datos</th><th scope="col">Frecuencia</th>
  <th scope="col">Última actualización</th><th scope="col" class="numero">Días de atraso</th></tr></thead>
  <tbody>
{% for s in total.stale %}
    <tr><th scope="row">{{ s.title }}</th><td>{{ s.frequency }}</td><td>{{ s.last_success|dia }}</td>
    <td class="numero">{{ s.days_late|numero }}</td></tr>
{% endfor %}
  </tbody>
{% endcall %}
{% else %}
<p>Ningún conjunto publicado está desactualizado según su frecuencia.</p>
{% endif %}
{% if csv %}<p><a href="{{ csv }}">Descargar las cifras de todos los años en CSV</a></p>{% endif %}
<h2>Cómo se calculan</h2>
<p>Un conjunto comprometido está publicado cuando un portal confirmó sus datos (una ejecución
«publicado» en el registro) y está a tiempo si eso ocurrió por primera vez en su fecha meta o
antes. Un conjunto está desactualizado cuando, según su frecuencia de actualización declarada, ya
debía haberse actualizado. Es nuevo si se publicó por primera vez en el año, y actualizado si ya
estaba publicado y se volvió a publicar. Las cifras de un año cerrado se toman a su cierre.</p>
"""


def pages(context: SiteContext) -> list[SitePage]:
    history = load_history(context.ledger)
    chosen = default_year(context.catalog, context.now)
    years = sorted(set(plan_years(context.catalog)) | {chosen})
    paths = {year: INDEX if year == chosen else f"cumplimiento/{year}.html" for year in years}
    rows = compliance_figures(context.catalog, history, context.now)
    data = csv_file(rows) if rows else None
    started = first_run(context.ledger)
    pages = []
    for year in years:
        report = compliance_report(context.catalog, history, year, context.now)
        report.first_run = started
        pages.append(_page(context, report, paths, data))
    return pages


def _page(
    context: SiteContext, report: ComplianceReport, paths: dict[int, str], data: bytes | None
) -> SitePage:
    """One year's page; every one links the CSV of all years, which the index page carries."""
    path = paths[report.year]
    other_years = [
        (str(year), context.href(path, other))
        for year, other in sorted(paths.items())
        if year != report.year
    ]
    if report.first_run is not None and not report.recorded:
        office = context.catalog.datasets.get(COMPLIANCE_DATASET)
        body = context.fragment(
            NOT_RECORDED,
            year=report.year,
            first=report.first_run.astimezone(OFFICE_ZONE).date().isoformat(),
            office=office.title if office else None,
            figures=published_figures(context.ledger, context.catalog, report.year, state_paths()),
            office_href=context.href(path, context.dataset_page(COMPLIANCE_DATASET)),
            other_years=other_years,
        )
        return SitePage(
            path,
            TITLE.format(year=report.year),
            str(body),
            nav_label=NAV if path == INDEX else None,
            files={CSV_FILE: data} if data and path == INDEX else {},
        )
    total = report.overall
    names = {o.slug: o.name for o in report.organismos}
    rows = [
        {
            "entry": o,
            "link": context.href(path, context.organismo_page(o.slug))
            if o.slug in context.catalog.organismos
            else None,
        }
        for o in [*report.organismos, total]
    ]
    body = context.fragment(
        BODY,
        report=report,
        total=total,
        closed=report.as_of < context.now,
        rows=rows,
        names=names,
        missed=[c for c in total.commitments if c.status not in (Status.ON_TIME, Status.PENDING)],
        status=STATUS_ES,
        pct=percent,
        chart=_chart(report).html(),
        csv=context.href(path, CSV_FILE) if data else None,
        other_years=other_years,
    )
    return SitePage(
        path,
        TITLE.format(year=report.year),
        str(body),
        nav_label=NAV if path == INDEX else None,
        files={CSV_FILE: data} if data and path == INDEX else {},
    )


def _chart(report: ComplianceReport):
    planned = [o for o in report.organismos if o.committed]
    return bar_chart(
        f"Conjuntos comprometidos publicados por organismo en {report.year}",
        "Porcentaje de los conjuntos del plan de apertura que cada organismo (por su "
        "identificador) publicó, y de los que publicó a tiempo (meta: 100 %).",
        categories=[o.slug for o in planned],  # names are long and start alike
        series=[
            Series("Publicados (%)", [round(100 * o.share_published, 1) for o in planned]),
            Series("A tiempo (%)", [round(100 * o.share_on_time, 1) for o in planned]),
        ],
        x_title="Organismo",
        y_title="Porcentaje",
        y_max=100,
        ident=f"cumplimiento-{report.year}",
    )
