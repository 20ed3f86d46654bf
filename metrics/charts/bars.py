"""Bar charts: a bar per label with its value written on it (funnels, reasons, channels)."""

from django.utils.html import format_html
from django.utils.safestring import SafeString

from metrics.charts.axes import value_axis
from metrics.charts.labels import common_decimals, fmt_exact, fmt_value
from metrics.charts.points import ChartPoint
from metrics.charts.scales import Frame, Scale, y_domain
from metrics.charts.svg import (
    ACCENT,
    CHAR_WIDTH,
    HEIGHT,
    TEXT,
    WIDTH,
    chart_svg,
    coord,
    empty_chart,
    fit,
    mark,
    svg_text,
)


def bar_chart(
    bars: list[ChartPoint],
    *,
    title: str,
    value_label: str,
    horizontal: bool = True,
    percent: bool = False,
) -> SafeString:
    """Bars with their value written on them; horizontal rows suit long labels (reasons)."""
    values = [b.value for b in bars if b.value is not None]
    if not values:
        return empty_chart("bar", title)
    ticks = y_domain(values, percent=percent)
    if horizontal:
        longest = max(len(b.label) for b in bars) * CHAR_WIDTH + 12
        f = Frame(min(max(longest, 72), 200), 8, WIDTH - 56, 8 + 28 * len(bars))
        height, scale = f.bottom + 44, Scale(ticks[0], ticks[-1], f.left, f.right)
        out = value_axis(ticks, scale, f, value_label, percent=percent, vertical=False)
    else:
        f = Frame(56, 24, WIDTH - 16, HEIGHT - 40)
        height, scale = HEIGHT, Scale(ticks[0], ticks[-1], f.bottom, f.top)
        out = value_axis(ticks, scale, f, value_label, percent=percent)
    band = (f.bottom - f.top if horizontal else f.width) / len(bars)
    zero = scale(0)
    for i, b in enumerate(bars):
        mid = (f.top if horizontal else f.left) + band * (i + 0.5)
        if horizontal:
            name = fit(b.label, f.left - 10)
            label = svg_text(f.left - 6, mid + 4, name, anchor="end", fill=TEXT)
        else:
            label = svg_text(mid, f.bottom + 18, fit(b.label, band - 4), fill=TEXT)
        out.append(format_html('<g class="bar-label"><title>{}</title>{}</g>', b.label, label))
        if b.value is None:
            text = "—"
            pos = (zero + 4, mid + 4, "start") if horizontal else (mid, zero - 6, "middle")
        else:
            end, thick = scale(b.value), min(band * 0.64, 40)
            lo, hi = sorted((zero, end))
            if horizontal:
                geom = (lo, mid - thick / 2, hi - lo, thick)
                ahead = b.value >= 0
                pos = (end + 4, mid + 4, "start") if ahead else (end - 4, mid + 4, "end")
            else:
                geom = (mid - thick / 2, lo, thick, hi - lo)
                pos = (mid, end - 6 if b.value >= 0 else end + 14, "middle")
            rect = format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                *map(coord, geom), ACCENT,
            )  # fmt: skip
            tip = f"{b.label} · {value_label}: {fmt_exact(b.value, percent=percent)}"
            out.append(mark(rect, tip, b.href))
            text = fmt_value(b.value, percent=percent, decimals=common_decimals(values))
        out.append(svg_text(pos[0], pos[1], text, anchor=pos[2], fill=TEXT, cls="bar-value"))
    return chart_svg("bar", title, height, out)
