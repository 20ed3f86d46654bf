"""A process drawn as boxes and arrows: the one drawing behind flow's map (what happened) and the
designer's map (what the rules say), which differ only in what they write in the boxes and on
the arrows.

Statuses left to right in the order given, the final ones stacked in the last column; each move
a curved arrow, forward moves above the boxes and moves back below, with an optional label.
Labels are placed where they cover no box and no other label: along their arrow, on the
arrow's own side first and then on the other (two arrows between the same pair of statuses, or
a fan of arrows into one final status, would otherwise print their labels on top of each
other). Sizes are estimated from the text (no DOM on the server), as the other charts fit theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString

from metrics.charts.svg import CHAR_WIDTH, safe_join

INK = "#34495e"
LINE_Y = (18, 36, 53, 70)  # baselines of a box's lines, below its top
PAD = 3  # the free space kept around a label


@dataclass(frozen=True)
class MapLine:
    """A line of text in a box below its bold title, a link when `href` is given."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class MapNode:
    key: str  # the status's slug: the box's data-status
    title: str
    lines: tuple[MapLine, ...] = ()
    final: bool = False
    fill: str = "#f4f6f8"


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    key: str  # the arrow's data-move
    title: str  # the tooltip
    label: str = ""  # nothing written on the arrow when empty
    href: str = ""  # the label's link
    colour: str = INK
    width: float = 1.5
    dash: str = ""


@dataclass(frozen=True)
class MapLayout:
    box: tuple[int, int]  # a status's width and height
    gap: int  # between two columns
    top: int  # the open statuses' row
    finals: tuple[int, int]  # the final column starts this much above the row; between two
    lift: tuple[int, int]  # the least height of an arrow's arc; the next ones', five apart
    below: int  # room below the row for moves back
    label_size: int

    @property
    def box_w(self) -> int:
        return self.box[0]

    @property
    def box_h(self) -> int:
        return self.box[1]


@dataclass(frozen=True)
class _Box:
    x1: float
    y1: float
    x2: float
    y2: float

    def overlap(self, other: _Box) -> float:
        w = min(self.x2, other.x2) - max(self.x1, other.x1)
        h = min(self.y2, other.y2) - max(self.y1, other.y1)
        return max(w, 0) * max(h, 0)


def label_box(x: float, baseline: float, text: str, size: int) -> _Box:
    """Where a text anchored at its middle takes room (ascent ~0.8, descent ~0.25 of its
    size), padded."""
    half = len(text) * CHAR_WIDTH * size / 12 / 2
    return _Box(
        x - half - PAD, baseline - 0.8 * size - PAD, x + half + PAD, baseline + 0.25 * size + PAD
    )


def _places(nodes: list[MapNode], layout: MapLayout) -> dict[str, tuple[int, int]]:
    open_ones = [n for n in nodes if not n.final]
    finals = [n for n in nodes if n.final]
    column = layout.box_w + layout.gap
    place = {n.key: (20 + k * column, layout.top) for k, n in enumerate(open_ones)}
    for k, node in enumerate(finals):
        rise, between = layout.finals
        y = layout.top - rise + k * (layout.box_h + between)
        place[node.key] = (20 + len(open_ones) * column, y)
    return place


def _along(t: float, a: float, control: float, b: float) -> float:
    return (1 - t) ** 2 * a + 2 * (1 - t) * t * control + t**2 * b


# Where along its arrow a label may sit, the middle first.
STOPS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)


def _label_spot(curve, forward: bool, text: str, size: int, taken: list[_Box]):
    """The first spot along the curve, on its own side and then on the other, where the label
    covers nothing taken; failing that, the one that covers least."""
    (sx, sy), (cx, cy), (ex, ey) = curve
    above, below = -4, size + 1
    sides = (above, below) if forward else (below, above)
    best = None
    for side in sides:
        for t in STOPS:
            x, y = _along(t, sx, cx, ex), _along(t, sy, cy, ey) + side
            box = label_box(x, y, text, size)
            cover = sum(box.overlap(other) for other in taken)
            if cover == 0:
                return x, y, box
            if best is None or cover < best[0]:
                best = (cover, x, y, box)
    return best[1:]


def state_map_svg(
    *,
    nodes: list[MapNode],
    edges: list[MapEdge],
    layout: MapLayout,
    marker_id: str,
    aria_label: str,
    natural_size: bool = False,
) -> SafeString:
    """`natural_size`: drawn one unit a pixel (its container scrolls), not shrunk to fit."""
    nodes = [n for n in nodes if not n.final] + [n for n in nodes if n.final]
    place = _places(nodes, layout)
    open_count = sum(1 for n in nodes if not n.final)
    final_count = len(nodes) - open_count
    width = 40 + (open_count + 1) * (layout.box_w + layout.gap)
    height = max(
        layout.top + layout.box_h + layout.below,
        layout.top - layout.finals[0] + final_count * (layout.box_h + layout.finals[1]) + 40,
    )
    taken = [
        _Box(x, y, x + layout.box_w, y + layout.box_h) for x, y in (place[n.key] for n in nodes)
    ]
    arcs = []
    drawn = (e for e in edges if e.source in place and e.target in place)
    for k, edge in enumerate(drawn):
        (x1, y1), (x2, y2) = place[edge.source], place[edge.target]
        forward = x2 > x1 or (x2 == x1 and y2 > y1)
        sx, ex = x1 + layout.box_w / 2, x2 + layout.box_w / 2
        sy = y1 if forward else y1 + layout.box_h
        ey = y2 if forward else y2 + layout.box_h
        lift = layout.lift[0] + layout.lift[1] * (k % 5)
        my = min(sy, ey) - lift if forward else max(sy, ey) + lift
        label = ""
        if edge.label:
            curve = ((sx, sy), ((sx + ex) / 2, my), (ex, ey))
            lx, ly, box = _label_spot(curve, forward, edge.label, layout.label_size, taken)
            taken.append(box)
            height = max(height, int(box.y2) + 10)
            label = format_html(
                '<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="{}">{}</text>',
                f"{lx:.0f}",
                f"{ly:.0f}",
                layout.label_size,
                edge.colour,
                edge.label,
            )
            if edge.href:
                label = format_html('<a href="{}">{}</a>', edge.href, label)
        arcs.append(
            format_html(
                '<g data-move="{}"><path d="M{} {} Q{} {} {} {}" fill="none" stroke="{}" '
                'stroke-width="{}" stroke-dasharray="{}" marker-end="url(#{})"><title>{}</title>'
                "</path>{}</g>",
                edge.key,
                f"{sx:.0f}",
                f"{sy:.0f}",
                f"{(sx + ex) / 2:.0f}",
                f"{my:.0f}",
                f"{ex:.0f}",
                f"{ey:.0f}",
                edge.colour,
                edge.width,
                edge.dash,
                marker_id,
                edge.title,
                label,
            )
        )
    boxes = (_box(node, place[node.key], layout) for node in nodes)
    return format_html(
        '<svg viewBox="0 0 {} {}" width="{}" role="img" aria-label="{}" class="process-map">'
        '<defs><marker id="{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="{}"/>'
        "</marker></defs>{}{}</svg>",
        width,
        height,
        width if natural_size else "100%",
        aria_label,
        marker_id,
        INK,
        safe_join(arcs),
        safe_join(boxes),
    )


def _box(node: MapNode, spot: tuple[int, int], layout: MapLayout) -> SafeString:
    x, y = spot
    lines = []
    for line, baseline in zip(node.lines, LINE_Y[1:], strict=False):
        text = format_html(
            '<text x="{}" y="{}" font-size="12">{}</text>', x + 8, y + baseline, line.text
        )
        lines.append(format_html('<a href="{}">{}</a>', line.href, text) if line.href else text)
    return format_html(
        '<g data-status="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" '
        'stroke="{}"/><text x="{}" y="{}" font-size="13" font-weight="bold">{}</text>{}</g>',
        node.key,
        x,
        y,
        layout.box_w,
        layout.box_h,
        node.fill,
        INK,
        x + 8,
        y + LINE_Y[0],
        node.title,
        safe_join(lines),
    )
