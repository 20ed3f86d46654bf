"""SVG markup for the charts: the root element, text, lines, marks with tooltips and links.

Text that may come from users (status and channel names, block reasons, card titles, links)
only reaches the markup through ``format_html``, so it is always escaped.
"""

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
CHAR_WIDTH = 6.6  # average advance of a 12px sans-serif character, to fit labels without a DOM


def coord(v: float) -> str:
    """A coordinate: one decimal is finer than a pixel and keeps the output stable."""
    return f"{v:.1f}"


def fit(text: str, width: float) -> str:
    """The text, shortened with "…" to fit `width`: at a word's end when one fits, so that a
    link's full name still contains every word shown (WCAG 2.5.3, axe compares whole words)."""
    chars = max(3, int(width / CHAR_WIDTH))
    if len(text) <= chars:
        return text
    cut = text[: chars - 1]
    words = cut.rsplit(" ", 1)[0].rstrip() if " " in cut.strip() else cut
    return (words or cut) + "…"


def safe_href(href: str | None) -> str | None:
    # Links are built by our views, but refuse javascript: and data: in case one ever isn't.
    if not href or urlsplit(href).scheme.lower() not in ("", "http", "https"):
        return None
    return href


def safe_join(parts) -> SafeString:
    # conditional_escape leaves our SafeStrings alone and escapes anything else that slipped in.
    return mark_safe("".join(conditional_escape(p) for p in parts))


def chart_svg(kind: str, title: str, height: float, body, width: float = WIDTH) -> SafeString:
    """The chart's root. A chart with links is a named group, not an image: an image's
    content is hidden from assistive technology, so its links could be neither tabbed to nor
    read (axe: nested-interactive). Its axis text is hidden from them instead; the links say
    what they lead to."""
    role = "group" if '<a href="' in "".join(str(p) for p in body) else "img"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{}" viewBox="0 0 {} {}" '
        'role="{}" aria-label="{}" font-size="12" fill="{}"><title>{}</title>{}</svg>',
        kind, coord(width), coord(height), role, title, TEXT, title, safe_join(body),
    )  # fmt: skip


def empty_chart(kind: str, title: str) -> SafeString:
    text = format_html(
        '<text class="chart-empty-message" x="{}" y="44" text-anchor="middle" fill="{}">{}</text>',
        coord(WIDTH / 2), MUTED, EMPTY_MESSAGE,
    )  # fmt: skip
    return chart_svg(f"{kind} chart-empty", title, 80, [text])


def mark(element: SafeString, tip: str, href: str | None) -> SafeString:
    """A shape with its tooltip, inside a link when it has one. ``element`` ends with '/>'."""
    tag = element[1:].split(" ", 1)[0]
    # element came from format_html, so its prefix is as safe as the whole.
    shape = format_html("{}><title>{}</title></{}>", mark_safe(element[:-2]), tip, tag)
    return linked(shape, href, name=tip)


def linked(element: SafeString, href: str | None, *, name: str = "") -> SafeString:
    """The element inside a link to ``href``, or alone when there is no (safe) link. `name`
    is the link's accessible name (a shape's tooltip is not reliably one)."""
    url = safe_href(href)
    if not url:
        return element
    if name:
        return format_html('<a href="{}" aria-label="{}">{}</a>', url, name, element)
    return format_html('<a href="{}">{}</a>', url, element)


def svg_text(x: float, y: float, text: str, *, anchor="middle", fill=MUTED, cls="", extra=""):
    # Axis and value labels repeat what the chart's table and links say: hidden from screen
    # readers, who would otherwise hear every tick of a chart whose links they can reach.
    return format_html(
        '<text class="{}" x="{}" y="{}" text-anchor="{}" fill="{}" aria-hidden="true"{}>{}</text>',
        cls, coord(x), coord(y), anchor, fill, mark_safe(extra), text,
    )  # fmt: skip


def svg_line(x1, y1, x2, y2, *, stroke=GRID, cls="", dash="", value=None, width=1):
    return format_html(
        '<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}{}/>',
        cls, coord(x1), coord(y1), coord(x2), coord(y2), stroke, width,
        format_html(' stroke-dasharray="{}"', dash) if dash else "",
        format_html(' data-value="{}"', value) if value is not None else "",
    )  # fmt: skip


def dot(cx: float, cy: float, fill: str, *, r: float = 3.5, extra: str = "") -> SafeString:
    """A circle for one value (``extra``: our own constant attributes, e.g. an opacity)."""
    return format_html(
        '<circle class="dot" cx="{}" cy="{}" r="{}" fill="{}"{}/>',
        coord(cx), coord(cy), r, fill, mark_safe(extra),
    )  # fmt: skip
