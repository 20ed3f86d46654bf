"""Charts of a dot per card: the scatter over time with percentile lines, and the strip chart
of ages by status (aging WIP)."""

import math
from datetime import date, datetime

from django.utils.html import format_html
from django.utils.safestring import SafeString

from metrics.charts.axes import ref_lines, value_axis
from metrics.charts.labels import fmt_exact, short_date
from metrics.charts.points import Band, ScatterPoint, StripColumn
from metrics.charts.scales import Frame, Scale, y_domain
from metrics.charts.svg import (
    ACCENT,
    AXIS,
    HEIGHT,
    PALETTE,
    TEXT,
    WIDTH,
    chart_svg,
    coord,
    dot,
    empty_chart,
    fit,
    linked,
    mark,
    svg_line,
    svg_text,
)

TRANSLUCENT = ' fill-opacity="0.75"'  # overlapping dots stay visible

# A dot per card is a link of its own while a chart has few. Past LINKED_DOTS, a page would
# carry thousands of links and tooltips (issue 22: 4,028 on the weekly dashboard at 100,000
# cards, 74% of its bytes), so the dots are drawn as one unlinked path, at most DRAWN_DOTS of
# them spread over each group's values (the shape of the cloud stays), and each group (a week,
# a status) is one link to its cards.
LINKED_DOTS = 150
DRAWN_DOTS = 480


def _spread(values: list, limit: int, key) -> list:
    """At most `limit` of `values`, evenly spaced in the order of `key`: the lowest and the
    highest always among them."""
    if len(values) <= limit:
        return values
    ordered = sorted(values, key=key)
    if limit < 2:
        return ordered[-1:]
    step = (len(ordered) - 1) / (limit - 1)
    return [ordered[round(i * step)] for i in range(limit)]


def _dot_path(centres: list[tuple[float, float]], colour: str) -> str:
    """Dots without links, as one path of zero-length round-capped strokes (~14 bytes a dot
    instead of a linked circle's ~350); hidden from assistive technology, which reads the
    groups' links and the table instead."""
    d = "".join(f"M{coord(x)} {coord(y)}h0" for x, y in centres)
    return format_html(
        '<path class="dots" d="{}" stroke="{}" stroke-width="7" stroke-linecap="round" '
        'stroke-opacity="0.75" aria-hidden="true"/>',
        d, colour,
    )  # fmt: skip


def _day_number(x: datetime | date) -> float:
    # Wall-clock time, not a timestamp: the caller's local time zone decides which day a card is on.
    seconds = x.hour * 3600 + x.minute * 60 + x.second if isinstance(x, datetime) else 0
    return x.toordinal() + seconds / 86400


def scatter(
    points: list[ScatterPoint],
    *,
    title: str,
    y_label: str,
    lines: dict[str, float] | None = None,
    bands: list[Band] | None = None,
) -> SafeString:
    """A dot per card: x when it finished, y its time (e.g. cycle time), with percentile lines.
    With more than LINKED_DOTS points and `bands`, each band is the link (see LINKED_DOTS)."""
    pts = [p for p in points if p.x is not None and p.y is not None]
    if not pts:
        return empty_chart("scatter", title)
    f = Frame(56, 16, WIDTH - 72, HEIGHT - 40)
    ticks = y_domain([p.y for p in pts], list((lines or {}).values()))
    y = Scale(ticks[0], ticks[-1], f.bottom, f.top)
    first = math.floor(min(_day_number(p.x) for p in pts))
    last = math.floor(max(_day_number(p.x) for p in pts)) + 1  # whole days, midnight to midnight
    x = Scale(first, last, f.left, f.right)
    out = value_axis(ticks, y, f, y_label)
    step = next(s for s in (1, 2, 7, 14, 28, 56, 91, 182, 364, 728) if (last - first) / s <= 8)
    anchor = first if step < 7 else first + (1 - first) % 7  # weekly ticks fall on Mondays
    for day in range(anchor, last + 1, step):
        out.append(svg_line(x(day), f.bottom, x(day), f.bottom + 4, stroke=AXIS, cls="x-tick"))
        label = short_date(date.fromordinal(day))
        out.append(svg_text(x(day), f.bottom + 18, label, cls="x-label"))
    out += ref_lines(lines, y, f, y_label)
    if bands and len(pts) > LINKED_DOTS:
        out += _banded(pts, bands, x, y, f)
        return chart_svg("scatter", title, HEIGHT, out)
    for p in pts:
        tip = f"{p.label + ': ' if p.label else ''}{fmt_exact(p.y)} ({y_label}), "
        tip += short_date(p.x) + (f" {p.x:%H:%M}" if isinstance(p.x, datetime) else "")
        circle = dot(x(_day_number(p.x)), y(p.y), ACCENT, extra=TRANSLUCENT)
        out.append(mark(circle, tip, p.href))
    return chart_svg("scatter", title, HEIGHT, out)


def _banded(pts: list[ScatterPoint], bands: list[Band], x: Scale, y: Scale, f: Frame) -> list:
    """A scatter of many dots: a link per band over its stretch of the axis, and the dots of
    each band (a bounded number) drawn without links."""
    out, drawn = [], []
    groups: list[list[ScatterPoint]] = [[] for _ in bands]
    loose = []
    for p in pts:
        at = _day_number(p.x)
        i = next(
            (i for i, b in enumerate(bands) if _day_number(b.start) <= at < _day_number(b.end)),
            None,
        )
        (groups[i] if i is not None else loose).append(p)
    share = max(1, DRAWN_DOTS // (len(bands) + (1 if loose else 0)))
    for band, members in zip(bands, groups, strict=True):
        left = max(f.left, x(_day_number(band.start)))
        right = min(f.right, x(_day_number(band.end)))
        if right > left:
            area = format_html(
                '<rect class="band" x="{}" y="{}" width="{}" height="{}" fill="transparent"/>',
                coord(left), coord(f.top), coord(right - left), coord(f.bottom - f.top),
            )  # fmt: skip
            out.append(mark(area, band.label, band.href))
        drawn += _spread(members, share, key=lambda p: p.y)
    drawn += _spread(loose, share, key=lambda p: p.y)
    out.append(_dot_path([(x(_day_number(p.x)), y(p.y)) for p in drawn], ACCENT))
    return out


def strip_chart(
    columns: list[StripColumn], *, title: str, y_label: str, lines: dict[str, float] | None = None
) -> SafeString:
    """Aging WIP: a column per status, a dot per open card at its age; x of the points is unused."""
    values = [v.y for c in columns for v in c.values if v.y is not None]
    if not values:
        return empty_chart("strip", title)
    f = Frame(56, 16, WIDTH - 72, HEIGHT - 40)
    ticks = y_domain(values, list((lines or {}).values()))
    y = Scale(ticks[0], ticks[-1], f.bottom, f.top)
    band = f.width / len(columns)
    out = value_axis(ticks, y, f, y_label)
    out += ref_lines(lines, y, f, y_label)
    for i, col in enumerate(columns):
        cx = f.left + band * (i + 0.5)
        if i:
            out.append(svg_line(f.left + band * i, f.top, f.left + band * i, f.bottom, cls="sep"))
        label = svg_text(cx, f.bottom + 18, fit(col.label, band - 4), fill=TEXT, cls="x-label")
        out.append(linked(label, col.href, name=col.label))
        spread = min(band * 0.6, 48)
        present = [p for p in col.values if p.y is not None]
        if len(values) > LINKED_DOTS:
            # Many cards: the column's label is its one link (see LINKED_DOTS).
            kept = _spread(present, max(1, DRAWN_DOTS // len(columns)), key=lambda p: p.y)
            centres = [
                (cx + ((j * 0.6180339887) % 1 - 0.5) * spread, y(v.y)) for j, v in enumerate(kept)
            ]
            out.append(_dot_path(centres, PALETTE[i % len(PALETTE)]))
            continue
        for j, v in enumerate(present):
            # Golden-ratio offsets: a deterministic jitter, so equal ages don't hide each other.
            dx = ((j * 0.6180339887) % 1 - 0.5) * spread
            tip = f"{v.label + ': ' if v.label else ''}{fmt_exact(v.y)} ({y_label}) in {col.label}"
            circle = dot(cx + dx, y(v.y), PALETTE[i % len(PALETTE)], extra=TRANSLUCENT)
            out.append(mark(circle, tip, v.href))
    return chart_svg("strip", title, HEIGHT, out)
