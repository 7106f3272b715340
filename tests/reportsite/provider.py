"""A page provider like the ones issue 6 will add (usage, compliance), for the extension tests."""

from __future__ import annotations

from collections import Counter

from datos_cali.reportsite import Series, SiteContext, SitePage, bar_chart

PATH = "actividad/index.html"
TITLE = "Actividad de prueba por conjunto"


def pages(context: SiteContext) -> list[SitePage]:
    counts = Counter(row.dataset for row in context.ledger.runs())
    slugs = sorted(counts)
    chart = bar_chart(
        "Registros de ejecución por conjunto",
        "Cuántos registros tiene cada conjunto en el registro de ejecuciones.",
        categories=slugs,
        series=[Series("Registros", [counts[s] for s in slugs])],
        x_title="Conjunto de datos",
        y_title="Registros",
    )
    body = context.fragment(
        '<h2>Por conjunto</h2>{{ chart }}<ul>{% for slug in slugs %}<li><a href="{{ href(slug) }}">'
        "{{ slug }}</a></li>{% endfor %}</ul>"
        '<p><a href="{{ csv }}">Descargar en CSV</a></p>',
        chart=chart.html(),
        slugs=slugs,
        href=lambda slug: context.href(PATH, context.dataset_page(slug)),
        csv="actividad.csv",
    )
    csv = "conjunto,registros\n" + "".join(f"{s},{counts[s]}\n" for s in slugs)
    return [
        SitePage(
            path=PATH,
            title=TITLE,
            body_html=body,
            nav_label="Actividad",
            files={"actividad/actividad.csv": csv.encode("utf-8")},
        )
    ]
