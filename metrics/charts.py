"""Server-side SVG charts for the weekly flow dashboard.

Pure functions from plain data to one inline ``<svg>``: no database, no JavaScript, nothing loaded
at run time. Text that may come from users (status and channel names, block reasons, card titles,
links) only reaches the markup through ``format_html``, so it is always escaped. The output
depends on the input alone, so a week renders to the same string every time and can be cached.

Conventions shared by all charts: ``None`` values are skipped; when nothing is left the chart
says "No data for this week"; every mark with an ``href`` is wrapped in a link, and every mark
carries a ``<title>`` tooltip with its exact value. Shares are fractions (0.42 shows as "42%").
"""

import math
import re
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

EMPTY_MESSAGE = "No data for this week"
WIDTH, HEIGHT = 600, 280  # viewBox units; 12px text stays legible down to a ~420px wide column
TEXT, MUTED, GRID, AXIS, ACCENT = "#1b2330", "#667085", "#e1e4e8", "#98a2b3", "#2f5bea"
# Tableau 10: distinct hues that also differ in lightness, so neighbouring bands stay apart.
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
    "#edc948", "#b07aa1", "#9c755f", "#ff9da7", "#bab0ac",
)  # fmt: skip
LINE_COLOURS = ("#067647", "#b54708", "#c4320a", "#6941c6")  # reference lines, e.g. percentiles
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
POLYLINE = '<polyline class="run-line" points="{}" fill="none" stroke="{}" stroke-width="2"/>'
CHAR_WIDTH = 6.6  # average advance of a 12px sans-serif character, to fit labels without a DOM


@dataclass
class ChartPoint:
    label: str
    value: float | None
    href: str | None = None


@dataclass
class Series:
    name: str
    values: list[float | None]
    href: str | None = None


@dataclass
class ScatterPoint:
    # Plotted at its wall-clock time, so pass local times; strip charts leave it None.
    x: datetime | date | None
    y: float | None
    href: str | None = None
    label: str = ""


@dataclass
class StripColumn:
    label: str
    values: list[ScatterPoint] = field(default_factory=list)
    href: str | None = None  # the column's label links here (e.g. all open cards in the status)


# --------------------------------------------------------------------------- numbers and scales


def nice_step(raw: float) -> float:
    """The smallest 1, 2 or 5 x 10^n that is at least ``raw``."""
    if raw <= 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(raw))
    return next(m * base for m in (1, 2, 5, 10) if raw <= m * base * (1 + 1e-9))


def nice_ticks(lo: float, hi: float, *, count: int = 5, integer: bool = False) -> list[float]:
    """Evenly spaced round tick values covering [lo, hi] in about ``count`` steps."""
    lo, hi = min(lo, hi), max(lo, hi)
    if hi == lo:
        hi = lo + 1
    step = nice_step((hi - lo) / count)
    if integer:
        step = max(step, 1.0)
    digits = max(0, -math.floor(math.log10(step)))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, digits) + 0.0 for i in range(first, last + 1)]  # + 0.0 drops -0.0


@dataclass(frozen=True)
class _Scale:
    lo: float
    hi: float
    a: float  # output for lo
    b: float  # output for hi

    def __call__(self, v: float) -> float:
        return self.a + (v - self.lo) * (self.b - self.a) / (self.hi - self.lo)


@dataclass(frozen=True)
class _Frame:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left


def _n(v: float) -> str:
    """A coordinate: one decimal is finer than a pixel and keeps the output stable."""
    return f"{v:.1f}"


def _is_int(v: float) -> bool:
    return float(v).is_integer()


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_value(v: float, *, percent: bool = False, decimals: int | None = None) -> str:
    """A label for managers: counts whole, days with one decimal, shares as whole percents.

    ``decimals`` defaults to 0 for a whole number and 1 otherwise; charts pass one choice for
    all their labels so that "6.0" and "3.1" sit side by side, not "6" and "3.1".
    """
    if percent:
        tiny = v != 0 and round(v * 100) == 0  # 0.4% must not read as zero
        return f"{v * 100:.1f}%" if tiny else f"{v * 100:.0f}%"
    if decimals is None:
        decimals = 0 if _is_int(v) else 1
    return f"{v:,.{decimals}f}"


def _decimals(values) -> int:
    return 0 if all(_is_int(v) for v in values) else 1


def fmt_exact(v: float, *, percent: bool = False) -> str:
    """The tooltip value: two decimals, trailing zeros dropped."""
    return _trim(f"{v * 100:,.2f}") + "%" if percent else _trim(f"{v:,.2f}")


def _tick_label(v: float, ticks: list[float], percent: bool) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    scale = 100 if percent else 1
    digits = max(0, -math.floor(math.log10(step * scale) + 1e-9))
    return f"{v * scale:,.{digits}f}" + ("%" if percent else "")


def short_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}"  # fixed names: strftime("%b") follows the C locale


def week_label(label: str) -> str:
    """Shortens "2026-W47" to "W47"; other labels pass unchanged."""
    m = re.fullmatch(r"\d{4}-(W\d{2})", label)
    return m.group(1) if m else label


def _fit(text: str, width: float) -> str:
    chars = max(3, int(width / CHAR_WIDTH))
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _safe_href(href: str | None) -> str | None:
    # Links are built by our views, but refuse javascript: and data: in case one ever isn't.
    if not href or urlsplit(href).scheme.lower() not in ("", "http", "https"):
        return None
    return href


# --------------------------------------------------------------------------- markup


def _join(parts) -> SafeString:
    # conditional_escape leaves our SafeStrings alone and escapes anything else that slipped in.
    return mark_safe("".join(conditional_escape(p) for p in parts))


def _svg(kind: str, title: str, height: float, body, width: float = WIDTH) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{}" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}" font-size="12" fill="{}"><title>{}</title>{}</svg>',
        kind, _n(width), _n(height), title, TEXT, title, _join(body),
    )  # fmt: skip


def _empty(kind: str, title: str) -> SafeString:
    text = format_html(
        '<text class="chart-empty-message" x="{}" y="44" text-anchor="middle" fill="{}">{}</text>',
        _n(WIDTH / 2), MUTED, EMPTY_MESSAGE,
    )  # fmt: skip
    return _svg(f"{kind} chart-empty", title, 80, [text])


def _mark(element: SafeString, tip: str, href: str | None) -> SafeString:
    """A shape with its tooltip, inside a link when it has one. ``element`` ends with '/>'."""
    tag = element[1:].split(" ", 1)[0]
    # element came from format_html, so its prefix is as safe as the whole.
    shape = format_html("{}><title>{}</title></{}>", mark_safe(element[:-2]), tip, tag)
    url = _safe_href(href)
    return format_html('<a href="{}">{}</a>', url, shape) if url else shape


def _text(x: float, y: float, text: str, *, anchor="middle", fill=MUTED, cls="", extra=""):
    return format_html(
        '<text class="{}" x="{}" y="{}" text-anchor="{}" fill="{}"{}>{}</text>',
        cls, _n(x), _n(y), anchor, fill, mark_safe(extra), text,
    )  # fmt: skip


def _line(x1, y1, x2, y2, *, stroke=GRID, cls="", dash="", value=None, width=1):
    return format_html(
        '<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}{}/>',
        cls, _n(x1), _n(y1), _n(x2), _n(y2), stroke, width,
        format_html(' stroke-dasharray="{}"', dash) if dash else "",
        format_html(' data-value="{}"', value) if value is not None else "",
    )  # fmt: skip


def _value_axis(ticks, scale: _Scale, f: _Frame, label: str, *, percent=False, vertical=True):
    """Grid lines, tick labels and the axis title for the value axis (y, or x for bar rows)."""
    out = []
    for t in ticks:
        text = _tick_label(t, ticks, percent)
        if vertical:
            y = scale(t)
            out.append(_line(f.left, y, f.right, y, cls="grid", value=t))
            out.append(_text(f.left - 6, y + 4, text, anchor="end", cls="tick"))
        else:
            x = scale(t)
            out.append(_line(x, f.top, x, f.bottom, cls="grid", value=t))
            out.append(_text(x, f.bottom + 16, text, cls="tick"))
    if vertical:
        mid = (f.top + f.bottom) / 2
        extra = f' transform="rotate(-90 14 {_n(mid)})"'
        out.append(_text(14, mid, label, cls="axis-label", fill=TEXT, extra=extra))
    else:
        out.append(_text((f.left + f.right) / 2, f.bottom + 34, label, cls="axis-label", fill=TEXT))
    return out


def _by_height(item: tuple[int, str, float]) -> float:
    return -item[2]


def _ref_lines(lines: dict[str, float] | None, scale: _Scale, f: _Frame, unit: str) -> list:
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
        tip = f"{name}: {fmt_exact(value)} ({unit})"
        line = _line(f.left, y, f.right, y, stroke=colour, cls="ref-line", dash="6 4", value=value)
        out.append(_mark(line, tip, None))
        text = f"{name} {fmt_value(value, decimals=1)}"  # percentiles of days: "6.0"
        out.append(_text(f.right + 4, label_y, text, anchor="start", fill=colour, cls="ref-label"))
    return out


def _y_domain(values: list[float], extra=(), *, percent: bool = False) -> list[float]:
    """Ticks from zero to past the largest value; counts get whole-number steps."""
    every = values + [v for v in extra if v is not None]
    integer = not percent and all(_is_int(v) for v in every)
    return nice_ticks(min(0.0, *every), max(0.0, *every), integer=integer)


def _thin(n: int, room: float, each: float) -> set[int]:
    """Indexes to label so labels don't overlap; the last (the current week) always shows."""
    k = max(1, math.ceil(n / max(1.0, room / each)))
    return {i for i in range(n) if (n - 1 - i) % k == 0}


# --------------------------------------------------------------------------- charts


def run_chart(
    points: list[ChartPoint], *, title: str, y_label: str, median: bool = True, percent=False
) -> SafeString:
    """One value per week as a line with dots, and optionally the dashed median of those weeks."""
    values = [p.value for p in points if p.value is not None]
    if not values:
        return _empty("run", title)
    f = _Frame(56, 16, WIDTH - 72, HEIGHT - 40)
    ticks = _y_domain(values, percent=percent)
    y = _Scale(ticks[0], ticks[-1], f.bottom, f.top)
    xs = [f.left + f.width * (i + 0.5) / len(points) for i in range(len(points))]
    out = _value_axis(ticks, y, f, y_label, percent=percent)
    runs, run = [], []  # a missing week breaks the line rather than bridging it
    for x, p in zip(xs, points, strict=True):
        if p.value is None:
            runs, run = runs + [run], []
        else:
            run.append(f"{_n(x)},{_n(y(p.value))}")
    for r in [*runs, run]:
        if len(r) > 1:
            out.append(format_html(POLYLINE, " ".join(r), ACCENT))
    if median:
        m = statistics.median(values)
        line = _line(f.left, y(m), f.right, y(m), stroke=MUTED, cls="median", dash="4 4", value=m)
        out.append(_mark(line, f"Median: {fmt_exact(m, percent=percent)}", None))
        label = f"median {fmt_value(m, percent=percent, decimals=_decimals([*values, m]))}"
        out.append(_text(f.right + 4, y(m) + 4, label, anchor="start", cls="median-label"))
    labelled = _thin(len(points), f.width, 34)
    for i, (x, p) in enumerate(zip(xs, points, strict=True)):
        if i in labelled:
            out.append(_text(x, f.bottom + 18, week_label(p.label), cls="x-label"))
        if p.value is not None:
            tip = f"{p.label} · {y_label}: {fmt_exact(p.value, percent=percent)}"
            dot = format_html(
                '<circle class="dot" cx="{}" cy="{}" r="4" fill="{}" stroke="#fff"/>',
                _n(x), _n(y(p.value)), ACCENT,
            )  # fmt: skip
            out.append(_mark(dot, tip, p.href))
    return _svg("run", title, HEIGHT, out)


def stacked_area(days: list[date], series: list[Series], *, title: str) -> SafeString:
    """Cumulative flow: per day, how many cards have reached each status (process order).

    Values are those cumulative counts, drawn from zero and not summed: a later status never
    exceeds an earlier one, so drawing later statuses on top leaves each band showing the cards
    still in the status below it.
    """
    if not days or not any(v is not None for s in series for v in s.values):
        return _empty("cfd", title)
    f = _Frame(56, 16, WIDTH - 156, HEIGHT - 40)
    values = [v for s in series for v in s.values if v is not None]
    ticks = _y_domain(values)
    y = _Scale(ticks[0], ticks[-1], f.bottom, f.top)
    span = max(1, (days[-1] - days[0]).days)
    x = _Scale(0, span, f.left, f.right)
    xs = [x((d - days[0]).days) for d in days] if len(days) > 1 else [f.left, f.right]
    out = _value_axis(ticks, y, f, "Cards (cumulative)")
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
            i, " ".join(f"{_n(a)},{_n(b)}" for a, b in outline), PALETTE[i % len(PALETTE)],
        )  # fmt: skip
        tip = f"{s.name}: {fmt_exact(last)} cards by {short_date(last_day)}"
        out.append(_mark(polygon, tip, s.href))
    labelled = _thin(len(days), f.width, 52)
    for i, d in enumerate(days):
        if i in labelled:
            out.append(_text(xs[i], f.bottom + 18, short_date(d), cls="x-label"))
    out.append(format_html('<g class="legend">{}</g>', _join(_legend(series, f.right + 16, f.top))))
    return _svg("cfd", title, HEIGHT, out)


def _legend(series: list[Series], left: float, top: float) -> list:
    out = []
    for i, s in enumerate(series):
        y0 = top + i * 20
        swatch = format_html(
            '<rect x="{}" y="{}" width="12" height="12" rx="2" fill="{}"/>',
            _n(left), _n(y0), PALETTE[i % len(PALETTE)],
        )  # fmt: skip
        text = _text(left + 18, y0 + 10, _fit(s.name, WIDTH - left - 30), anchor="start", fill=TEXT)
        item = format_html('<g class="legend-item"><title>{}</title>{}{}</g>', s.name, swatch, text)
        url = _safe_href(s.href)
        out.append(format_html('<a href="{}">{}</a>', url, item) if url else item)
    return out


def _day_number(x: datetime | date) -> float:
    # Wall-clock time, not a timestamp: the caller's local time zone decides which day a card is on.
    seconds = x.hour * 3600 + x.minute * 60 + x.second if isinstance(x, datetime) else 0
    return x.toordinal() + seconds / 86400


def scatter(
    points: list[ScatterPoint], *, title: str, y_label: str, lines: dict[str, float] | None = None
) -> SafeString:
    """A dot per card: x when it finished, y its time (e.g. cycle time), with percentile lines."""
    pts = [p for p in points if p.x is not None and p.y is not None]
    if not pts:
        return _empty("scatter", title)
    f = _Frame(56, 16, WIDTH - 72, HEIGHT - 40)
    ticks = _y_domain([p.y for p in pts], list((lines or {}).values()))
    y = _Scale(ticks[0], ticks[-1], f.bottom, f.top)
    first = math.floor(min(_day_number(p.x) for p in pts))
    last = math.floor(max(_day_number(p.x) for p in pts)) + 1  # whole days, midnight to midnight
    x = _Scale(first, last, f.left, f.right)
    out = _value_axis(ticks, y, f, y_label)
    step = next(s for s in (1, 2, 7, 14, 28, 56, 91, 182, 364, 728) if (last - first) / s <= 8)
    anchor = first if step < 7 else first + (1 - first) % 7  # weekly ticks fall on Mondays
    for day in range(anchor, last + 1, step):
        out.append(_line(x(day), f.bottom, x(day), f.bottom + 4, stroke=AXIS, cls="x-tick"))
        label = short_date(date.fromordinal(day))
        out.append(_text(x(day), f.bottom + 18, label, cls="x-label"))
    out += _ref_lines(lines, y, f, y_label)
    for p in pts:
        tip = f"{p.label + ': ' if p.label else ''}{fmt_exact(p.y)} ({y_label}), "
        tip += short_date(p.x) + (f" {p.x:%H:%M}" if isinstance(p.x, datetime) else "")
        dot = format_html(
            '<circle class="dot" cx="{}" cy="{}" r="3.5" fill="{}" fill-opacity="0.75"/>',
            _n(x(_day_number(p.x))), _n(y(p.y)), ACCENT,
        )  # fmt: skip
        out.append(_mark(dot, tip, p.href))
    return _svg("scatter", title, HEIGHT, out)


def strip_chart(
    columns: list[StripColumn], *, title: str, y_label: str, lines: dict[str, float] | None = None
) -> SafeString:
    """Aging WIP: a column per status, a dot per open card at its age; x of the points is unused."""
    values = [v.y for c in columns for v in c.values if v.y is not None]
    if not values:
        return _empty("strip", title)
    f = _Frame(56, 16, WIDTH - 72, HEIGHT - 40)
    ticks = _y_domain(values, list((lines or {}).values()))
    y = _Scale(ticks[0], ticks[-1], f.bottom, f.top)
    band = f.width / len(columns)
    out = _value_axis(ticks, y, f, y_label)
    out += _ref_lines(lines, y, f, y_label)
    for i, col in enumerate(columns):
        cx = f.left + band * (i + 0.5)
        if i:
            out.append(_line(f.left + band * i, f.top, f.left + band * i, f.bottom, cls="sep"))
        label = _text(cx, f.bottom + 18, _fit(col.label, band - 4), fill=TEXT, cls="x-label")
        url = _safe_href(col.href)
        out.append(format_html('<a href="{}">{}</a>', url, label) if url else label)
        spread = min(band * 0.6, 48)
        for j, v in enumerate(p for p in col.values if p.y is not None):
            # Golden-ratio offsets: a deterministic jitter, so equal ages don't hide each other.
            dx = ((j * 0.6180339887) % 1 - 0.5) * spread
            tip = f"{v.label + ': ' if v.label else ''}{fmt_exact(v.y)} ({y_label}) in {col.label}"
            dot = format_html(
                '<circle class="dot" cx="{}" cy="{}" r="3.5" fill="{}" fill-opacity="0.75"/>',
                _n(cx + dx), _n(y(v.y)), PALETTE[i % len(PALETTE)],
            )  # fmt: skip
            out.append(_mark(dot, tip, v.href))
    return _svg("strip", title, HEIGHT, out)


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
        return _empty("bar", title)
    ticks = _y_domain(values, percent=percent)
    if horizontal:
        longest = max(len(b.label) for b in bars) * CHAR_WIDTH + 12
        f = _Frame(min(max(longest, 72), 200), 8, WIDTH - 56, 8 + 28 * len(bars))
        height, scale = f.bottom + 44, _Scale(ticks[0], ticks[-1], f.left, f.right)
        out = _value_axis(ticks, scale, f, value_label, percent=percent, vertical=False)
    else:
        f = _Frame(56, 24, WIDTH - 16, HEIGHT - 40)
        height, scale = HEIGHT, _Scale(ticks[0], ticks[-1], f.bottom, f.top)
        out = _value_axis(ticks, scale, f, value_label, percent=percent)
    band = (f.bottom - f.top if horizontal else f.width) / len(bars)
    zero = scale(0)
    for i, b in enumerate(bars):
        mid = (f.top if horizontal else f.left) + band * (i + 0.5)
        if horizontal:
            label = _text(f.left - 6, mid + 4, _fit(b.label, f.left - 10), anchor="end", fill=TEXT)
        else:
            label = _text(mid, f.bottom + 18, _fit(b.label, band - 4), fill=TEXT)
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
                *map(_n, geom), ACCENT,
            )  # fmt: skip
            tip = f"{b.label} · {value_label}: {fmt_exact(b.value, percent=percent)}"
            out.append(_mark(rect, tip, b.href))
            text = fmt_value(b.value, percent=percent, decimals=_decimals(values))
        out.append(_text(pos[0], pos[1], text, anchor=pos[2], fill=TEXT, cls="bar-value"))
    return _svg("bar", title, height, out)
