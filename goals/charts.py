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
CHAR_WIDTH = 7.5  # a generous width of one character of the 12-unit labels, in chart units
LABEL_GAP = 6


def _extent(x: float, text: str, anchor: str) -> tuple[float, float]:
    width = len(text) * CHAR_WIDTH
    if anchor == "start":
        return x, x + width
    if anchor == "end":
        return x - width, x
    return x - width / 2, x + width / 2


def labels_apart(labels: list[tuple[float, str, str]]) -> set[int]:
    """Which of the (x, text, anchor) labels to draw so that none overlaps another: the
    latest first (the current week always shows), then leftwards, each only if it ends
    before the last kept one starts. Widths are estimated from the text, so a long label
    ("W49 (in progress)") makes room for itself."""
    kept: set[int] = set()
    left_edge = float("inf")
    for i in range(len(labels) - 1, -1, -1):
        start, end = _extent(*labels[i])
        if end + LABEL_GAP <= left_edge:
            kept.add(i)
            left_edge = start
    return kept


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
    # Small: the first and the latest week only. Both: never two labels over each other.
    candidates = {0, len(points) - 1} if small else thin(len(points), f.width, 34)
    texts = []
    for i, p in enumerate(points):
        text = week_label(p.label.replace(IN_PROGRESS, ""))
        if p.label.endswith(IN_PROGRESS):
            text += " so far" if small else IN_PROGRESS
        anchor = "middle"
        if small and len(points) > 1:
            anchor = "start" if i == 0 else "end"
        elif not small and i == len(points) - 1 and len(points) > 1:
            anchor = "end"  # the latest (often longest) label grows leftwards, inside the frame
        # The full chart's latest label ends at its column's right edge; the small one's at
        # its dot.
        shift = f.width / len(points) / 2 if anchor == "end" and not small else 0
        texts.append((xs[i] + shift, text, anchor))
    shown = sorted(candidates)
    kept = {shown[j] for j in labels_apart([texts[i] for i in shown])}
    for i, (x, p) in enumerate(zip(xs, points, strict=True)):
        if i in kept:
            lx, text, anchor = texts[i]
            out.append(svg_text(lx, f.bottom + 18, text, cls="x-label", anchor=anchor))
        if p.value is not None:
            out.append(run_dot(x, y, p, y_label, percent=percent))
    kind = "run chart-goal chart-goal-small" if small else "run chart-goal"
    return chart_svg(kind, title, height, out, width=width)
