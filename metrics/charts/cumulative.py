"""The cumulative flow diagram: per day, the cards that have reached each status, as bands."""

from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString

from metrics.charts.axes import value_axis
from metrics.charts.labels import fmt_exact, short_date
from metrics.charts.points import Series
from metrics.charts.scales import Frame, Scale, thin, y_domain
from metrics.charts.svg import (
    HEIGHT,
    PALETTE,
    TEXT,
    WIDTH,
    chart_svg,
    coord,
    empty_chart,
    fit,
    linked,
    mark,
    safe_join,
    svg_text,
)


def stacked_area(days: list[date], series: list[Series], *, title: str) -> SafeString:
    """Cumulative flow: per day, how many cards have reached each status (process order).

    Values are those cumulative counts, drawn from zero and not summed: a later status never
    exceeds an earlier one, so drawing later statuses on top leaves each band showing the cards
    still in the status below it.
    """
    if not days or not any(v is not None for s in series for v in s.values):
        return empty_chart("cfd", title)
    f = Frame(56, 16, WIDTH - 156, HEIGHT - 40)
    values = [v for s in series for v in s.values if v is not None]
    ticks = y_domain(values)
    y = Scale(ticks[0], ticks[-1], f.bottom, f.top)
    span = max(1, (days[-1] - days[0]).days)
    x = Scale(0, span, f.left, f.right)
    xs = [x((d - days[0]).days) for d in days] if len(days) > 1 else [f.left, f.right]
    out = value_axis(ticks, y, f, "Cards (cumulative)")
    for i, s in enumerate(series):
        vals = s.values if len(days) > 1 else s.values[:1] * 2
        pts = [(px, y(v)) for px, v in zip(xs, vals, strict=False) if v is not None]
        if not pts:
            continue
        outline = [*pts, (pts[-1][0], y(0)), (pts[0][0], y(0))]
        last_day, last = max((d, v) for d, v in zip(days, s.values, strict=False) if v is not None)
        polygon = format_html(
            '<polygon class="band" data-series="{}" points="{}" fill="{}" stroke="#fff" '
            'stroke-width="0.5"/>',
            i, " ".join(f"{coord(a)},{coord(b)}" for a, b in outline), PALETTE[i % len(PALETTE)],
        )  # fmt: skip
        tip = f"{s.name}: {fmt_exact(last)} cards by {short_date(last_day)}"
        out.append(mark(polygon, tip, s.href))
    labelled = thin(len(days), f.width, 52)
    for i, d in enumerate(days):
        if i in labelled:
            out.append(svg_text(xs[i], f.bottom + 18, short_date(d), cls="x-label"))
    legend = safe_join(_legend(series, f.right + 16, f.top))
    out.append(format_html('<g class="legend">{}</g>', legend))
    return chart_svg("cfd", title, HEIGHT, out)


def _legend(series: list[Series], left: float, top: float) -> list:
    out = []
    for i, s in enumerate(series):
        y0 = top + i * 20
        swatch = format_html(
            '<rect x="{}" y="{}" width="12" height="12" rx="2" fill="{}"/>',
            coord(left), coord(y0), PALETTE[i % len(PALETTE)],
        )  # fmt: skip
        name = fit(s.name, WIDTH - left - 30)
        text = svg_text(left + 18, y0 + 10, name, anchor="start", fill=TEXT)
        # The link's name is the full name; a <title> beside the text would add to what
        # assistive technology counts as visible text, and the two would no longer match (axe:
        # label-content-name-mismatch). A shortened name keeps its tooltip.
        tip = format_html("<title>{}</title>", s.name) if name != s.name else ""
        item = format_html('<g class="legend-item">{}{}{}</g>', tip, swatch, text)
        out.append(linked(item, s.href, name=s.name))
    return out
