"""Accessible charts drawn in Python as inline SVG: no JavaScript, nothing from the internet.

Every chart is a `<figure>` holding an SVG with `role="img"`, a `<title>` and a `<desc>` (the
caller's description plus an automatic summary of the numbers), and a companion data table, so
the figures reach people who cannot see the drawing. Series differ by line style, marker shape
or fill pattern as well as colour: never by colour alone. Colours have at least 3:1 contrast
against the white background (WCAG 1.4.11); text is near-black.

    chart = line_chart(
        "Índice de calidad por ejecución",
        "Índice general (0 a 10) de cada ejecución analizada.",
        x_labels=["2021-03-01", "2021-04-01"],
        series=[Series("Índice general", [9.1, 9.6])],
        x_title="Ejecución", y_title="Puntaje (0 a 10)", y_max=10,
    )
    chart.html()          # Markup for a page or a `SitePage.body_html`
    chart.svg_document()  # a standalone .svg file, when a module wants the drawing as a file

Shared by the report site and by the modules that contribute pages to it (usage, compliance).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from datos_cali.reportsite import labels

WIDTH, HEIGHT = 720, 320
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 72, 20, 20, 64
LEGEND_HEIGHT = 26
LINE_HEIGHT = 14  # of a wrapped category label
MAX_LABEL_LINES = 3
WORD_OVERFLOW = 2  # characters a whole word may stick out of its slot (5 % of it is margin)
MIN_WORD_TAIL = 3  # characters at least on the last piece of a hyphenated word
CHAR_WIDTH = 6.6  # average width of a character at the charts' font size, for wrapping
MAX_MARKED_POINTS = 60  # beyond this, markers would hide the line; the dashes still tell apart
MAX_VALUE_LABELS = 24  # bars get their value printed on top while they are this few

# Dark enough for 3:1 against white; paired with distinct dashes, markers and patterns.
COLOURS = ("#1f4e79", "#a33d00", "#2e6b30", "#6a3d9a", "#5c5c5c")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4")
MARKERS = ("círculo", "cuadrado", "triángulo", "rombo", "cruz")
PATTERNS = ("sólido", "rayas", "puntos", "cuadrícula", "rayas verticales")
TEXT_COLOUR, AXIS_COLOUR, GRID_COLOUR = "#1a1a1a", "#333333", "#d0d7de"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'

NO_DATA = "{title}: todavía no hay datos para este gráfico."
ALL_ZERO = "{title}: todos los valores son cero; no hay nada que dibujar."
TABLE_SUMMARY = "Ver los datos del gráfico en una tabla"
SERIES_SUMMARY = (
    "{name}: mínimo {low} ({low_at}), máximo {high} ({high_at}), último {last} ({last_at})."
)
SERIES_EMPTY = "{name}: sin valores."
LEGEND_LINE = "línea {dash} con marcas en {marker}"
LEGEND_BAR = "barras de relleno {pattern}"
DASH_NAMES = ("continua", "de guiones", "punteada", "de guion y punto", "de guiones cortos")

Number = float | int
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Series:
    """One named sequence of values, aligned with the chart's labels; None is a gap."""

    name: str
    values: Sequence[Number | None]


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the SVG, its data table, and the figure that holds both."""

    ident: str
    title: str
    svg: Markup
    table: Markup
    empty_note: str = NO_DATA

    def html(self, *, table_open: bool = False) -> Markup:
        """The `<figure>`: caption, drawing, and the data table in a disclosure."""
        if not self.svg:
            note = Markup('<p class="sin-datos">{}</p>').format(
                self.empty_note.format(title=self.title)
            )
            if not self.table:
                return note
            return note + Markup(
                '<details class="grafico-datos"><summary>{}</summary>{}</details>'
            ).format(TABLE_SUMMARY, self.table)
        return Markup(
            '<figure class="grafico" id="{ident}">'
            '<figcaption class="grafico-titulo">{title}</figcaption>'
            '<div class="grafico-dibujo" role="region" tabindex="0" aria-label="{title}">{svg}</div>'
            '<details class="grafico-datos"{open}><summary>{summary}</summary>{table}</details>'
            "</figure>"
        ).format(
            ident=self.ident,
            title=self.title,
            svg=self.svg,
            open=Markup(" open") if table_open else "",
            summary=TABLE_SUMMARY,
            table=self.table,
        )

    def __html__(self) -> str:
        return self.html()

    def svg_document(self) -> str:
        """The SVG as a file of its own (with the XML namespace a standalone file needs)."""
        return str(self.svg).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)


def line_chart(
    title: str,
    description: str,
    *,
    x_labels: Sequence[str],
    series: Sequence[Series],
    x_title: str,
    y_title: str,
    y_min: Number | None = 0,
    y_max: Number | None = None,
    value_format: Callable[[Number], str] | None = None,
    integer: bool | None = None,
    ident: str | None = None,
) -> Chart:
    """Lines over evenly spaced labels (runs, days, months): one line per series.

    `integer` (default: when every value is whole) puts only whole numbers on the axis."""
    frame = _Frame.build(title, x_labels, series, y_min, y_max, value_format, ident, integer)
    if frame is None:
        return _empty(title, ident, x_labels, series)
    parts = frame.axes(x_title, y_title)
    marked = len(x_labels) <= MAX_MARKED_POINTS
    for index, one in enumerate(series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        for segment in _segments(one.values):
            points = " ".join(f"{frame.x(i):.1f},{frame.y(v):.1f}" for i, v in segment)
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{_dash_attribute(dash)}/>'
                )
            if marked or len(segment) == 1:
                parts += [_marker(index, frame.x(i), frame.y(v), colour) for i, v in segment]
    if len(series) > 1:
        parts += frame.legend(series, kind="line")
    return frame.finish(parts, description, series)


def bar_chart(
    title: str,
    description: str,
    *,
    categories: Sequence[str],
    series: Sequence[Series],
    x_title: str,
    y_title: str,
    y_max: Number | None = None,
    value_format: Callable[[Number], str] | None = None,
    integer: bool | None = None,
    ident: str | None = None,
) -> Chart:
    """Vertical bars, grouped side by side when there are several series; every category is
    labelled (long ones wrap, and past three lines end in «…» with the full name as a tooltip)."""
    frame = _Frame.build(
        title, categories, series, 0, y_max, value_format, ident, integer, bars=True
    )
    if frame is None:
        return _empty(title, ident, categories, series)
    parts = frame.axes(x_title, y_title)
    parts.append(frame.pattern_defs(len(series)))
    slot = frame.plot_width / len(categories)
    bar = slot * 0.8 / len(series)
    print_values = len(categories) * len(series) <= MAX_VALUE_LABELS
    for index, one in enumerate(series):
        fill = frame.fill(index)
        for position, value in enumerate(one.values):
            if value is None:
                continue
            left = frame.left + slot * position + slot * 0.1 + bar * index
            top, base = sorted((frame.y(value), frame.y(0)))
            parts.append(
                f'<rect x="{left:.1f}" y="{top:.1f}" width="{bar:.1f}" '
                f'height="{max(base - top, 0.5):.1f}" fill="{fill}" '
                f'stroke="{COLOURS[index % len(COLOURS)]}" stroke-width="1.5"/>'
            )
            if print_values:
                parts.append(
                    f'<text x="{left + bar / 2:.1f}" y="{top - 4:.1f}" text-anchor="middle" '
                    f'fill="{TEXT_COLOUR}" {FONT}>{escape(frame.format(value))}</text>'
                )
    if len(series) > 1:
        parts += frame.legend(series, kind="bar")
    return frame.finish(parts, description, series)


# --- drawing ----------------------------------------------------------------------------------


@dataclass
class _Frame:
    """The plot area, the scales, and the pieces every chart shares."""

    ident: str
    title: str
    labels: Sequence[str]
    low: float
    high: float
    ticks: list[float]
    format: Callable[[Number], str]
    bars: bool
    top: float
    height: float = HEIGHT

    @classmethod
    def build(
        cls, title, labels, series, y_min, y_max, value_format, ident, integer=None, *, bars=False
    ):
        if not labels or not series:
            return None
        for one in series:
            if len(one.values) != len(labels):
                raise ValueError(
                    f"La serie «{one.name}» tiene {len(one.values)} valores para "
                    f"{len(labels)} etiquetas."
                )
        values = [float(v) for one in series for v in one.values if _present(v)]
        if not values or not any(values):
            return None
        whole = all(v.is_integer() for v in values) if integer is None else integer
        low = min(values) if y_min is None else min(float(y_min), min(values))
        high = max(values) if y_max is None else max(float(y_max), max(values))
        ticks = _nice_ticks(low, high, integer=whole)
        if y_max is None:
            high = ticks[-1]
        if y_min is None:
            low = ticks[0]
        if ident is not None and not _IDENT.fullmatch(ident):
            raise ValueError(f"Identificador de gráfico no válido: «{ident}».")
        fmt = value_format or _default_format(values)
        top = MARGIN_TOP + (LEGEND_HEIGHT if len(series) > 1 else 0)
        lines = max(len(_wrap(label, _chars(len(labels), bars))) for label in labels) if bars else 1
        height = HEIGHT + LINE_HEIGHT * (lines - 1)
        return cls(ident or _ident(title), title, labels, low, high, ticks, fmt, bars, top, height)

    @property
    def left(self) -> float:
        return MARGIN_LEFT

    @property
    def bottom(self) -> float:
        return self.height - MARGIN_BOTTOM - LINE_HEIGHT * self.extra_lines

    @property
    def extra_lines(self) -> int:
        return round((self.height - HEIGHT) / LINE_HEIGHT)

    @property
    def plot_width(self) -> float:
        return WIDTH - MARGIN_LEFT - MARGIN_RIGHT

    def x(self, index: int) -> float:
        count = len(self.labels)
        if self.bars:
            return self.left + self.plot_width * (index + 0.5) / count
        if count == 1:
            return self.left + self.plot_width / 2
        return self.left + self.plot_width * index / (count - 1)

    def y(self, value: Number) -> float:
        span = (self.high - self.low) or 1.0
        return self.bottom - (float(value) - self.low) / span * (self.bottom - self.top)

    def axes(self, x_title: str, y_title: str) -> list[str]:
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(
                f'<line x1="{self.left}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
                f'<text x="{self.left - 8}" y="{y + 4:.1f}" text-anchor="end" '
                f'fill="{TEXT_COLOUR}" {FONT}>{escape(self.format(tick))}</text>'
            )
        baseline = self.y(0 if self.low <= 0 <= self.high else self.low)
        parts.append(
            f'<line x1="{self.left}" x2="{self.left}" y1="{self.top}" y2="{self.bottom}" '
            f'stroke="{AXIS_COLOUR}" stroke-width="1.5"/>'
            f'<line x1="{self.left}" x2="{WIDTH - MARGIN_RIGHT}" y1="{baseline:.1f}" '
            f'y2="{baseline:.1f}" stroke="{AXIS_COLOUR}" stroke-width="1.5"/>'
        )
        positions = (
            range(len(self.labels)) if self.bars else _label_positions(self.labels, self.plot_width)
        )
        for index in positions:
            parts.append(self.category_label(index))
        middle_x = self.left + self.plot_width / 2
        middle_y = (self.top + self.bottom) / 2
        parts.append(
            f'<text x="{middle_x:.1f}" y="{self.height - 14}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}" {FONT} font-weight="600">{escape(x_title)}</text>'
            f'<text x="18" y="{middle_y:.1f}" text-anchor="middle" fill="{TEXT_COLOUR}" '
            f'{FONT} font-weight="600" transform="rotate(-90 18 {middle_y:.1f})">'
            f"{escape(y_title)}</text>"
        )
        return parts

    def category_label(self, index: int) -> str:
        """One label under the axis: whole, wrapped, or cut with the full text as its title."""
        label = self.labels[index]
        x = self.x(index)
        if not self.bars:
            last = index == len(self.labels) - 1 and len(self.labels) > 1
            anchor = "end" if last else "middle"  # the last one would run past the frame
            return (
                f'<text x="{x:.1f}" y="{self.bottom + 18}" text-anchor="{anchor}" '
                f'fill="{TEXT_COLOUR}" {FONT}>{escape(_shorten(label))}</text>'
            )
        lines = _wrap(label, _chars(len(self.labels), True))
        title = f"<title>{escape(label)}</title>" if lines[-1].endswith("…") else ""
        spans = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        return (
            f'<text x="{x:.1f}" y="{self.bottom + 18}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}" {FONT}>{title}{spans}</text>'
        )

    def pattern_defs(self, count: int) -> str:
        shapes = (
            "",
            '<path d="M0,8 L8,0" stroke="{c}" stroke-width="2"/>',
            '<circle cx="4" cy="4" r="1.6" fill="{c}"/>',
            '<path d="M0,0 L8,0 M0,0 L0,8" stroke="{c}" stroke-width="1.5"/>',
            '<path d="M4,0 L4,8" stroke="{c}" stroke-width="2"/>',
        )
        defs = []
        for index in range(1, count):
            colour = COLOURS[index % len(COLOURS)]
            shape = shapes[index % len(shapes)].format(c=colour) or ""
            defs.append(
                f'<pattern id="{self.ident}-relleno-{index}" width="8" height="8" '
                f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#ffffff"/>'
                f"{shape}</pattern>"
            )
        return f"<defs>{''.join(defs)}</defs>" if defs else ""

    def fill(self, index: int) -> str:
        if index % len(PATTERNS) == 0:
            return COLOURS[index % len(COLOURS)]
        return f"url(#{self.ident}-relleno-{index})"

    def legend(self, series: Sequence[Series], *, kind: str) -> list[str]:
        parts, x = [], self.left
        y = MARGIN_TOP + 4
        for index, one in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            if kind == "line":
                parts.append(
                    f'<line x1="{x}" x2="{x + 28}" y1="{y}" y2="{y}" stroke="{colour}" '
                    f'stroke-width="2.5"{_dash_attribute(DASHES[index % len(DASHES)])}/>'
                )
                parts.append(_marker(index, x + 14, y, colour))
            else:
                parts.append(
                    f'<rect x="{x + 6}" y="{y - 7}" width="16" height="14" '
                    f'fill="{self.fill(index)}" stroke="{colour}" stroke-width="1.5"/>'
                )
            parts.append(
                f'<text x="{x + 34}" y="{y + 4}" fill="{TEXT_COLOUR}" {FONT}>'
                f"{escape(one.name)}</text>"
            )
            x += 44 + 7 * len(one.name)
        return parts

    def finish(self, parts: list[str], description: str, series: Sequence[Series]) -> Chart:
        summary = " ".join(_summary(one, self.labels, self.format) for one in series)
        styles = " ".join(_style_note(index, self.bars) for index in range(len(series)))
        desc = f"{description} {summary}".strip()
        if len(series) > 1:
            desc = f"{desc} {styles}"
        svg = Markup(
            '<svg class="grafico-svg" role="img" viewBox="0 0 {w} {h}" '
            'aria-labelledby="{i}-titulo {i}-desc" preserveAspectRatio="xMidYMid meet">'
            '<title id="{i}-titulo">{title}</title><desc id="{i}-desc">{desc}</desc>'
            '<rect width="{w}" height="{h}" fill="#ffffff"/>{body}</svg>'
        ).format(
            w=WIDTH,
            h=round(self.height),
            i=self.ident,
            title=self.title,
            desc=desc,
            body=Markup("".join(parts)),
        )
        return Chart(self.ident, self.title, svg, _table(self, series))


def _table(frame: _Frame, series: Sequence[Series]) -> Markup:
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(one.name) for one in series)
    rows = []
    for position, label in enumerate(frame.labels):
        cells = Markup("").join(
            Markup('<td class="numero">{}</td>').format(
                frame.format(one.values[position]) if _present(one.values[position]) else "—"
            )
            for one in series
        )
        rows.append(Markup('<tr><th scope="row">{}</th>{}</tr>').format(label, cells))
    return Markup(
        '<table class="tabla-datos"><caption>{caption}</caption>'
        '<thead><tr><th scope="col">{first}</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
    ).format(
        caption=f"Datos del gráfico «{frame.title}»",
        first="Etiqueta",
        head=head,
        rows=Markup("").join(rows),
    )


def _marker(index: int, x: float, y: float, colour: str) -> str:
    shape = index % len(MARKERS)
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == 2:
        return (
            f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z" '
            f'fill="{colour}"/>'
        )
    if shape == 3:
        return (
            f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} '
            f'L{x - 5:.1f},{y:.1f} Z" fill="{colour}"/>'
        )
    return (
        f'<path d="M{x - 4:.1f},{y - 4:.1f} L{x + 4:.1f},{y + 4:.1f} M{x + 4:.1f},{y - 4:.1f} '
        f'L{x - 4:.1f},{y + 4:.1f}" stroke="{colour}" stroke-width="2"/>'
    )


def _dash_attribute(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""


def _style_note(index: int, bars: bool) -> str:
    if bars:
        return (
            f"Serie {index + 1}: "
            + LEGEND_BAR.format(pattern=PATTERNS[index % len(PATTERNS)])
            + "."
        )
    return (
        f"Serie {index + 1}: "
        + LEGEND_LINE.format(
            dash=DASH_NAMES[index % len(DASH_NAMES)], marker=MARKERS[index % len(MARKERS)]
        )
        + "."
    )


# --- numbers ----------------------------------------------------------------------------------


def _present(value: Number | None) -> bool:
    return value is not None and math.isfinite(float(value))


def _segments(values: Sequence[Number | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive present values: a gap (None) breaks the line instead of bridging it."""
    segments: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if _present(value):
            segments[-1].append((index, float(value)))
        elif segments[-1]:
            segments.append([])
    return [s for s in segments if s]


def _nice_ticks(low: float, high: float, count: int = 5, *, integer: bool = False) -> list[float]:
    """About `count` round tick values (1, 2, 2.5 or 5 times a power of ten) covering the range;
    whole numbers only when `integer` (a count has no «0,2»)."""
    if high == low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if integer:
        step = max(1, math.ceil(step))
    start = math.floor(low / step) * step
    ticks, tick = [], start
    while tick < high + step * 1e-9:
        ticks.append(round(tick, 10))
        tick += step
    if ticks[-1] < high:
        ticks.append(round(tick, 10))
    return ticks


def _default_format(values: list[float]) -> Callable[[Number], str]:
    if all(float(v).is_integer() for v in values):
        return lambda v: labels.number(v, 0) if float(v).is_integer() else labels.number(v, 1)
    return lambda v: labels.number(v, 1)


def _summary(one: Series, names: Sequence[str], fmt: Callable[[Number], str]) -> str:
    present = [(i, float(v)) for i, v in enumerate(one.values) if _present(v)]
    if not present:
        return SERIES_EMPTY.format(name=one.name)
    low = min(present, key=lambda p: p[1])
    high = max(present, key=lambda p: p[1])
    last = present[-1]
    return SERIES_SUMMARY.format(
        name=one.name,
        low=fmt(low[1]),
        low_at=names[low[0]],
        high=fmt(high[1]),
        high_at=names[high[0]],
        last=fmt(last[1]),
        last_at=names[last[0]],
    )


def _label_positions(labels: Sequence[str], plot_width: float) -> list[int]:
    """Every label when they fit side by side; else every n-th, always the first and last."""
    count = len(labels)
    if count <= 2:
        return list(range(count))
    widest = max(len(_shorten(label)) for label in labels) * CHAR_WIDTH + 12
    step = max(1, math.ceil(widest / (plot_width / (count - 1))))
    chosen = list(range(0, count, step))
    if chosen[-1] != count - 1:
        if count - 1 - chosen[-1] < step and len(chosen) > 1:
            chosen.pop()  # too close to the last one: drop it rather than overlap
        chosen.append(count - 1)
    return chosen


def _chars(count: int, bars: bool) -> int:
    """Characters that fit under one category."""
    slot = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / max(count, 1)
    return max(4, int(slot * 0.95 / CHAR_WIDTH))


def _wrap(label: str, width: int) -> list[str]:
    """`label` in lines of at most `width` characters, broken at spaces and hyphens; past
    `MAX_LABEL_LINES` the last line ends in «…». A word a little longer than a line sticks out
    rather than losing its last letters to a line of their own («(recuperad-» «o)»); a much
    longer one is hyphenated, leaving at least `MIN_WORD_TAIL` characters on the last piece."""
    words = re.findall(r"[^\s-]+-?|\s+", label)
    lines, line = [], ""
    for word in (w for w in words if not w.isspace()):
        joiner = "" if line.endswith("-") or not line else " "
        if line and len(line) + len(joiner) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line += joiner + word
        while len(line) > width + WORD_OVERFLOW:  # too long even to stick out a little
            cut = min(width - 1, len(line) - MIN_WORD_TAIL)
            lines.append(line[:cut] + "-")
            line = line[cut:]
    lines.append(line)
    if len(lines) > MAX_LABEL_LINES:
        lines = lines[:MAX_LABEL_LINES]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _shorten(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _ident(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40] or "grafico"
    return f"grafico-{slug}"


def _empty(title: str, ident: str | None, labels=(), series=()) -> Chart:
    """Nothing to draw: no values at all, or only zeros (then the table still shows them)."""
    present = [v for one in series for v in one.values if _present(v)]
    if not present:
        return Chart(ident or _ident(title), title, Markup(""), Markup(""))
    frame = _Frame(
        ident or _ident(title), title, labels, 0, 1, [0, 1], _default_format([0]), False, 0
    )
    return Chart(frame.ident, title, Markup(""), _table(frame, series), ALL_ZERO)
