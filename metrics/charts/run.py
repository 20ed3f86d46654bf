"""The run chart: one value per week as a line with dots, and the median of those weeks."""

import statistics

from django.utils.html import format_html
from django.utils.safestring import SafeString

from metrics.charts.axes import value_axis
from metrics.charts.labels import common_decimals, fmt_exact, fmt_value, week_label
from metrics.charts.points import ChartPoint
from metrics.charts.scales import Frame, Scale, thin, y_domain
from metrics.charts.svg import (
    ACCENT,
    HEIGHT,
    MUTED,
    WIDTH,
    chart_svg,
    coord,
    dot,
    empty_chart,
    mark,
    svg_line,
    svg_text,
)

POLYLINE = '<polyline class="run-line" points="{}" fill="none" stroke="{}" stroke-width="2"/>'
# A headline's trend: drawn this small in viewBox units, its 12-unit text stays at least 10 px
# tall in the headline's narrowest box (232 px of content), where the full-size chart's text
# would shrink to 5 px.
COMPACT_WIDTH, COMPACT_HEIGHT = 240, 130


def run_line(xs: list[float], points: list[ChartPoint], y: Scale) -> list[SafeString]:
    """The line through the weeks' values; a week without a value breaks it, not bridges it."""
    runs, run = [], []
    for x, p in zip(xs, points, strict=True):
        if p.value is None:
            runs, run = runs + [run], []
        else:
            run.append(f"{coord(x)},{coord(y(p.value))}")
    return [format_html(POLYLINE, " ".join(r), ACCENT) for r in [*runs, run] if len(r) > 1]


def run_dot(x: float, y: Scale, p: ChartPoint, y_label: str, *, percent=False) -> SafeString:
    """A week's dot with its tooltip, linked to what it counts."""
    tip = f"{p.label} · {y_label}: {fmt_exact(p.value, percent=percent)}"
    return mark(dot(x, y(p.value), ACCENT, r=4, extra=' stroke="#fff"'), tip, p.href)


def run_chart(
    points: list[ChartPoint],
    *,
    title: str,
    y_label: str,
    median: bool = True,
    percent=False,
    compact: bool = False,
) -> SafeString:
    """One value per week as a line with dots, and optionally the dashed median of those weeks.
    `compact`: the small trend of a headline (no axis title, the median unlabelled)."""
    values = [p.value for p in points if p.value is not None]
    if not values:
        return empty_chart("run", title)
    width, height = (COMPACT_WIDTH, COMPACT_HEIGHT) if compact else (WIDTH, HEIGHT)
    f = (
        Frame(40, 10, width - 50, height - 34)
        if compact
        else Frame(56, 16, WIDTH - 72, HEIGHT - 40)
    )
    ticks = y_domain(values, percent=percent)
    y = Scale(ticks[0], ticks[-1], f.bottom, f.top)
    xs = [f.left + f.width * (i + 0.5) / len(points) for i in range(len(points))]
    out = value_axis(ticks, y, f, y_label, percent=percent, titled=not compact)
    out += run_line(xs, points, y)
    if median:
        m = statistics.median(values)
        line = svg_line(
            f.left, y(m), f.right, y(m), stroke=MUTED, cls="median", dash="4 4", value=m
        )
        out.append(mark(line, f"Median: {fmt_exact(m, percent=percent)}", None))
        label = f"median {fmt_value(m, percent=percent, decimals=common_decimals([*values, m]))}"
        if not compact:
            out.append(svg_text(f.right + 4, y(m) + 4, label, anchor="start", cls="median-label"))
    labelled = thin(len(points), f.width, 40 if compact else 34)
    for i, (x, p) in enumerate(zip(xs, points, strict=True)):
        if i in labelled:
            out.append(svg_text(x, f.bottom + 18, week_label(p.label), cls="x-label"))
        if p.value is not None:
            out.append(run_dot(x, y, p, y_label, percent=percent))
    kind = "run chart-compact" if compact else "run"
    return chart_svg(kind, title, height, out, width=width)
