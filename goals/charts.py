"""A key result's run chart: its weekly values over the goal's period with the baseline and
the target (or a guardrail's threshold) as labelled lines. Built from metrics' chart
primitives, so it looks and behaves like the dashboard's charts (inline SVG, escaped text,
a tooltip and a link on every dot)."""

from django.utils.safestring import SafeString

from metrics.charts import ChartPoint, week_label
from metrics.charts.axes import ref_lines, value_axis
from metrics.charts.run import run_dot, run_line
from metrics.charts.scales import Frame, Scale, thin, y_domain
from metrics.charts.svg import (
    HEIGHT,
    WIDTH,
    chart_svg,
    empty_chart,
    svg_text,
)

SMALL_WIDTH, SMALL_HEIGHT = 320, 110
IN_PROGRESS = " (in progress)"


def key_result_chart(
    points: list[ChartPoint],
    *,
    title: str,
    y_label: str,
    lines: dict[str, float | None],
    percent: bool = False,
    small: bool = False,
) -> SafeString:
    """`lines`: {"Baseline": b, "Target": t}; None values are left out."""
    values = [p.value for p in points if p.value is not None]
    if not values:
        return empty_chart("run chart-goal", title)
    lines = {k: v for k, v in lines.items() if v is not None}
    # The small chart sits in a table cell about its own width, so its 12-unit text is drawn at
    # about 12px (the full-size chart at 600 units would shrink it to a few pixels there).
    width, height = (SMALL_WIDTH, SMALL_HEIGHT) if small else (WIDTH, HEIGHT)
    f = (
        Frame(40, 10, width - 40 - 96, height - 34)
        if small
        else Frame(56, 16, WIDTH - 96, HEIGHT - 40)
    )
    ticks = y_domain(values, list(lines.values()), percent=percent)
    if small:
        ticks = [ticks[0], ticks[-1]]  # the range only: room for two legible labels
    y = Scale(ticks[0], ticks[-1], f.bottom, f.top)
    xs = [f.left + f.width * (i + 0.5) / len(points) for i in range(len(points))]
    out = value_axis(ticks, y, f, y_label, percent=percent, titled=not small)
    out += ref_lines(lines, y, f, y_label, percent=percent)
    out += run_line(xs, points, y)
    # Small: the first and the latest week only, so labels never overlap.
    labelled = {0, len(points) - 1} if small else thin(len(points), f.width, 34)
    for i, (x, p) in enumerate(zip(xs, points, strict=True)):
        if i in labelled:
            text = week_label(p.label.replace(IN_PROGRESS, ""))
            if p.label.endswith(IN_PROGRESS):
                text += " so far" if small else IN_PROGRESS
            anchor = ("start" if i == 0 else "end") if small and len(points) > 1 else "middle"
            out.append(svg_text(x, f.bottom + 18, text, cls="x-label", anchor=anchor))
        if p.value is not None:
            out.append(run_dot(x, y, p, y_label, percent=percent))
    kind = "run chart-goal chart-goal-small" if small else "run chart-goal"
    return chart_svg(kind, title, height, out, width=width)
