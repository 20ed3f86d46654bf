"""The process map as server-side SVG, readable at 1,440 px and printable: the statuses left to
right in process order (final ones in the last column), each box with its visits, time in
status P50/P85 (business hours) and WIP now; the moves as arcs with their counts, forward moves
above and moves back below; moves nobody designed in red and dashed, designed moves never used
in grey and dotted. Every number is a link to the cards behind it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BOX_W, BOX_H, GAP, TOP = 150, 78, 40, 150
UNDESIGNED, UNUSED, DESIGNED = "#b5472b", "#aaaaaa", "#34495e"


def _hours(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def map_svg(the_map: dict, *, cards_url: str, window: dict, names: dict) -> SafeString:
    """`names`: each status's label by slug (people read labels, never keys)."""
    nodes = [n for n in the_map["nodes"] if not n["final"]] + [
        n for n in the_map["nodes"] if n["final"]
    ]
    open_count = sum(1 for n in nodes if not n["final"])
    finals = [n for n in nodes if n["final"]]
    place = {}
    for k, node in enumerate(nodes[:open_count]):
        place[node["status"]] = (20 + k * (BOX_W + GAP), TOP)
    for k, node in enumerate(finals):
        place[node["status"]] = (20 + open_count * (BOX_W + GAP), TOP - 60 + k * (BOX_H + 40))
    width = 40 + (open_count + 1) * (BOX_W + GAP)
    height = TOP + BOX_H + 200

    def link(**choice) -> str:
        return f"{cards_url}?{urlencode({**window, **choice})}"

    arcs = []
    for k, edge in enumerate(
        e for e in the_map["edges"] if e["from"] in place and e["to"] in place
    ):
        (x1, y1), (x2, y2) = place[edge["from"]], place[edge["to"]]
        forward = x2 > x1 or (x2 == x1 and y2 > y1)
        sx, ex = x1 + BOX_W / 2, x2 + BOX_W / 2
        sy = y1 if forward else y1 + BOX_H
        ey = y2 if forward else y2 + BOX_H
        lift = 40 + 12 * (k % 5)
        my = min(sy, ey) - lift if forward else max(sy, ey) + lift
        colour = UNUSED if not edge["count"] else DESIGNED if edge["designed"] else UNDESIGNED
        dash = "2 4" if not edge["count"] else "" if edge["designed"] else "6 3"
        label = (
            format_html(
                '<a href="{}" data-move="{}&gt;{}"><text x="{}" y="{}" font-size="12" '
                'text-anchor="middle" fill="{}">{}</text></a>',
                link(move=f"{edge['from']}>{edge['to']}"),
                edge["from"],
                edge["to"],
                f"{(sx + ex) / 2:.0f}",
                f"{my + (4 if forward else 12):.0f}",
                colour,
                f"{edge['count']} · P85 {_hours(edge['p85_hours'])} h",
            )
            if edge["count"]
            else ""
        )
        arcs.append(
            format_html(
                '<path d="M{} {} Q{} {} {} {}" fill="none" stroke="{}" stroke-width="{}" '
                'stroke-dasharray="{}" marker-end="url(#arrow)"><title>{} → {}: {}{}</title>'
                "</path>{}",
                f"{sx:.0f}",
                f"{sy:.0f}",
                f"{(sx + ex) / 2:.0f}",
                f"{my:.0f}",
                f"{ex:.0f}",
                f"{ey:.0f}",
                colour,
                1 + min(edge["count"], 40) / 8,
                dash,
                names.get(edge["from"], edge["from"]),
                names.get(edge["to"], edge["to"]),
                edge["count"],
                "" if edge["designed"] else " (not designed)",
                label,
            )
        )
    boxes = format_html_join(
        "",
        '<g data-status="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="#f4f6f8" '
        'stroke="#34495e"/><text x="{}" y="{}" font-size="13" font-weight="bold">{}</text>'
        '<a href="{}"><text x="{}" y="{}" font-size="12">{} visits</text></a>'
        '<text x="{}" y="{}" font-size="12">P50 {} h · P85 {} h</text>'
        '<text x="{}" y="{}" font-size="12">WIP now {}</text></g>',
        (
            (
                n["status"],
                x,
                y,
                BOX_W,
                BOX_H,
                x + 8,
                y + 18,
                n["status"],
                link(status=n["status"]),
                x + 8,
                y + 36,
                n["visits"],
                x + 8,
                y + 53,
                _hours(n["p50_hours"]),
                _hours(n["p85_hours"]),
                x + 8,
                y + 70,
                n["wip_now"],
            )
            for n in nodes
            for x, y in [place[n["status"]]]
        ),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="Process map: designed '
        'moves and what happened" class="process-map"><defs><marker id="arrow" viewBox="0 0 10 '
        '10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        '<path d="M0 0 L10 5 L0 10 z" fill="#34495e"/></marker></defs>{}{}</svg>',
        width,
        height,
        SafeString("".join(arcs)),
        boxes,
    )
