"""The value axis (grid lines, tick labels, its title) and labelled reference lines."""

from metrics.charts.labels import fmt_exact, fmt_value, tick_label
from metrics.charts.scales import Frame, Scale
from metrics.charts.svg import LINE_COLOURS, TEXT, coord, mark, svg_line, svg_text


def value_axis(
    ticks, scale: Scale, f: Frame, label: str, *, percent=False, vertical=True, titled=True
):
    """Grid lines, tick labels and the axis title for the value axis (y, or x for bar rows).
    `titled=False` leaves the title out (a small chart under a heading that says it)."""
    out = []
    for t in ticks:
        text = tick_label(t, ticks, percent)
        if vertical:
            y = scale(t)
            out.append(svg_line(f.left, y, f.right, y, cls="grid", value=t))
            out.append(svg_text(f.left - 6, y + 4, text, anchor="end", cls="tick"))
        else:
            x = scale(t)
            out.append(svg_line(x, f.top, x, f.bottom, cls="grid", value=t))
            out.append(svg_text(x, f.bottom + 16, text, cls="tick"))
    if not titled:
        return out
    if vertical:
        mid = (f.top + f.bottom) / 2
        extra = f' transform="rotate(-90 14 {coord(mid)})"'
        out.append(svg_text(14, mid, label, cls="axis-label", fill=TEXT, extra=extra))
    else:
        middle = (f.left + f.right) / 2
        out.append(svg_text(middle, f.bottom + 34, label, cls="axis-label", fill=TEXT))
    return out


def _by_height(item: tuple[int, str, float]) -> float:
    return -item[2]


def ref_lines(
    lines: dict[str, float] | None, scale: Scale, f: Frame, unit: str, *, percent=False
) -> list:
    """Labelled horizontal lines (percentiles); labels nudged apart so close lines stay legible.

    Colours follow the given order (50%, 85%, 95%: green, amber, red); labels are placed from
    the top line down.
    """
    out, placed = [], []
    items = [(i, k, v) for i, (k, v) in enumerate((lines or {}).items()) if v is not None]
    for i, name, value in sorted(items, key=_by_height):
        y, colour = scale(value), LINE_COLOURS[i % len(LINE_COLOURS)]
        label_y = max([y + 4] + [p + 13 for p in placed])
        placed.append(label_y)
        tip = f"{name}: {fmt_exact(value, percent=percent)} ({unit})"
        line = svg_line(
            f.left, y, f.right, y, stroke=colour, cls="ref-line", dash="6 4", value=value
        )
        out.append(mark(line, tip, None))
        # percentiles of days: "6.0"; a share as a percent: "65%"
        text = f"{name} {fmt_value(value, percent=percent, decimals=1)}"
        out.append(
            svg_text(f.right + 4, label_y, text, anchor="start", fill=colour, cls="ref-label")
        )
    return out
