"""The shared chart helper: accessible names, honest geometry, data tables, escaping."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from datos_cali.reportsite.charts import Series, bar_chart, line_chart
from tests.reportsite.htmlcheck import Page

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart) -> ET.Element:
    return ET.fromstring(chart.svg_document())


def html_of(chart) -> Page:
    page = Page(None)
    page.feed(str(chart.html()))
    return page


def scores_chart(**changes):
    arguments = {
        "x_labels": ["enero", "febrero", "marzo", "abril"],
        "series": [Series("Índice", [2.5, 4.0, None, 10.0]), Series("Mínimo", [1, 1, 1, 1])],
        "x_title": "Mes",
        "y_title": "Puntaje",
        "y_max": 10,
        **changes,
    }
    return line_chart("Índice por mes", "Índice general de cada mes.", **arguments)


def test_the_svg_has_an_accessible_name_and_description():
    chart = scores_chart()
    svg = parse(chart)
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}title").text == "Índice por mes"
    description = svg.find(f"{SVG}desc").text
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    # The caller's sentence, then the numbers in words, then how the series are told apart.
    assert description.startswith("Índice general de cada mes.")
    assert "Índice: mínimo 2,5 (enero), máximo 10,0 (abril), último 10,0 (abril)." in description
    assert "línea continua" in description and "línea de guiones" in description


def test_line_geometry_follows_the_values_and_a_gap_breaks_the_line():
    chart = scores_chart()
    polylines = parse(chart).findall(f"{SVG}polyline")
    # «Índice» has a gap in March: two points before it (one line), one after (a marker only).
    first = [tuple(map(float, p.split(","))) for p in polylines[0].get("points").split()]
    assert len(first) == 2
    (x1, y1), (x2, y2) = first
    assert x2 > x1 and y2 < y1  # 4 is drawn higher than 2,5 (SVG y grows downwards)
    minimum = [tuple(map(float, p.split(","))) for p in polylines[1].get("points").split()]
    assert len(minimum) == 4 and len({y for _, y in minimum}) == 1
    # A linear scale: 1 → 2,5 and 2,5 → 4 are the same distance apart.
    y_of_1 = minimum[0][1]
    assert abs((y1 - y2) - (y_of_1 - y1)) < 0.2


def test_series_differ_by_more_than_colour():
    polylines = parse(scores_chart()).findall(f"{SVG}polyline")
    dashes = [p.get("stroke-dasharray") for p in polylines]
    assert dashes[0] is None and dashes[-1] is not None
    svg = parse(scores_chart())
    assert svg.findall(f"{SVG}circle") and svg.findall(
        f"{SVG}rect[@width='8']"
    )  # two marker shapes


def test_the_data_table_has_every_value_with_headers():
    page = html_of(scores_chart())
    [table] = page.tables
    assert table.caption == "Datos del gráfico «Índice por mes»"
    assert table.headers_without_scope == 0 and table.body_rows == 4
    assert "marzo — 1,0" in page.text  # the gap is a dash in the table, not a zero
    assert "abril 10,0 1,0" in page.text


def test_bars_are_proportional_and_grouped_by_series():
    chart = bar_chart(
        "Visitas y descargas",
        "Por mes.",
        categories=["2021-01", "2021-02"],
        series=[Series("Visitas", [100, 50]), Series("Descargas", [25, 0])],
        x_title="Mes",
        y_title="Cantidad",
    )
    svg = parse(chart)
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("stroke-width") == "1.5"]
    bars = bars[: len(bars) - 2]  # the last two are the legend's swatches
    heights = [float(r.get("height")) for r in bars]
    assert len(heights) == 4
    visits_jan, visits_feb, downloads_jan = heights[0], heights[1], heights[2]
    assert abs(visits_jan / visits_feb - 2) < 0.01 and abs(visits_jan / downloads_jan - 4) < 0.01
    assert bars[2].get("fill").startswith("url(#")  # the second series is patterned
    assert "Visitas: mínimo 50 (2021-02), máximo 100 (2021-01)" in svg.find(f"{SVG}desc").text
    assert "barras de relleno rayas" in svg.find(f"{SVG}desc").text


def test_labels_are_escaped():
    chart = bar_chart(
        "<script>alert(1)</script>",
        "<b>negrita</b>",
        categories=["<img src=x onerror=alert(1)>"],
        series=[Series("a & b", [1])],
        x_title="<x>",
        y_title="<y>",
    )
    html = str(chart.html())
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "a &amp; b" in html
    parse(chart)  # still well-formed XML


def test_no_data_gives_a_sentence_instead_of_an_empty_drawing():
    chart = line_chart(
        "Visitas", "x", x_labels=[], series=[Series("a", [])], x_title="x", y_title="y"
    )
    assert "todavía no hay datos" in str(chart.html()) and "<svg" not in str(chart.html())
    only_gaps = line_chart(
        "Visitas", "x", x_labels=["a"], series=[Series("a", [None])], x_title="x", y_title="y"
    )
    assert "<svg" not in str(only_gaps.html())


def test_mismatched_series_and_unsafe_ids_are_refused():
    with pytest.raises(ValueError, match="2 valores para 3 etiquetas"):
        line_chart(
            "t", "d", x_labels=["a", "b", "c"], series=[Series("s", [1, 2])], x_title="", y_title=""
        )
    with pytest.raises(ValueError, match="Identificador"):
        bar_chart(
            "t",
            "d",
            categories=["a"],
            series=[Series("s", [1])],
            x_title="",
            y_title="",
            ident='x" onload="y',
        )


def test_many_points_keep_at_most_eight_axis_labels():
    labels = [f"2021-01-{day:02d}" for day in range(1, 31)]
    chart = line_chart(
        "Diario",
        "d",
        x_labels=labels,
        series=[Series("s", list(range(30)))],
        x_title="Día",
        y_title="n",
    )
    texts = [t.text for t in parse(chart).iter(f"{SVG}text")]
    shown = [t for t in texts if t and re.fullmatch(r"2021-01-\d\d", t)]
    assert shown[0] == "2021-01-01" and shown[-1] == "2021-01-30" and len(shown) <= 8
    assert html_of(chart).tables[0].body_rows == 30  # the table keeps every point


def test_counts_get_whole_numbers_on_the_axis():
    chart = bar_chart(
        "Descargas",
        "Pocas descargas.",
        categories=["a", "b"],
        series=[Series("Descargas", [0, 1])],
        x_title="Conjunto",
        y_title="Descargas",
    )
    ticks = re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', str(chart.svg))
    assert ticks and all("," not in tick for tick in ticks), ticks


def test_an_all_zero_chart_says_so_and_keeps_its_table():
    chart = bar_chart(
        "Ejecuciones",
        "Nada todavía.",
        categories=["enero", "febrero"],
        series=[Series("Ejecuciones", [0, 0])],
        x_title="Mes",
        y_title="Ejecuciones",
    )
    html = str(chart.html())
    assert "<svg" not in html and "todos los valores son cero" in html
    assert "<table" in html and "febrero" in html


def test_every_category_is_labelled_and_long_names_wrap_with_their_full_name():
    names = [f"Secretaría de Desarrollo Económico y Turismo número {i}" for i in range(9)]
    chart = bar_chart(
        "Por organismo",
        "Nueve organismos de nombre largo.",
        categories=names,
        series=[Series("Publicados (%)", [10 * i for i in range(9)])],
        x_title="Organismo",
        y_title="Porcentaje",
        y_max=100,
    )
    svg = str(chart.svg)
    assert svg.count("<tspan") >= 9 * 2  # wrapped on at least two lines each
    assert all(f"<title>{name}</title>" in svg for name in names)  # cut ones keep their name


def test_line_chart_labels_never_overlap():
    labels = [f"{m} 2021" for m in ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago")] * 3
    chart = line_chart(
        "Meses",
        "Veinticuatro meses.",
        x_labels=labels,
        series=[Series("Visitas", list(range(24)))],
        x_title="Mes",
        y_title="Visitas",
    )
    placed = re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(?:middle|end)"', str(chart.svg)
    )
    axis_y = max(float(y) for _, y in placed if float(y) < 300)  # the labels' row, not the title
    xs = sorted(float(x) for x, y in placed if float(y) == axis_y)
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert len(xs) >= 4 and min(gaps) >= len("ago 2021") * 6  # a label's width apart at least


def test_a_word_a_little_too_long_is_kept_whole_and_a_long_one_keeps_a_real_tail():
    """Eight outcomes share the width: «(recuperado)» sticks out by a letter instead of ending
    as «(recuperad-» over «o)»; a much longer word is hyphenated with ≥ 3 letters after the cut."""
    categories = ["Publicado", "Publicado (recuperado)", "Sin cambios", "Rechazado"]
    categories += ["Falló", "Sin archivo nuevo", "Electrificadoraregional", "Otro"]
    chart = bar_chart(
        "Resultados",
        "Ocho resultados.",
        categories=categories,
        series=[Series("Ejecuciones", list(range(1, 9)))],
        x_title="Resultado",
        y_title="Ejecuciones",
    )
    spans = [t.text for t in parse(chart).iter(f"{SVG}tspan")]
    assert "(recuperado)" in spans
    cut = [(a, b) for a, b in itertools.pairwise(spans) if a and a.endswith("-")]
    assert cut and all(len(b) >= 3 for _, b in cut), cut
    assert "".join(a[:-1] + b for a, b in cut) == "Electrificadoraregional"
