"""The designed process as server-side SVG, beside the designer's forms: what the rules say,
with no actuals (flow's map draws what happened; this one is drawn from the process document,
so it shows the definition a change leaves, before any card went through it). Statuses left to
right in process order, the final ones stacked in the last column; each box with its name, its
SLA for any priority and its stage role; each designed move an arrow with its label, forward
moves above the boxes and moves back below."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from processes.blueprints.export import ANY_PRIORITY

BOX_W, BOX_H, GAP, TOP = 150, 64, 36, 130
INK = "#34495e"
FAINT = "#9aa5b1"  # a move from many statuses (mark lost): drawn, but not over the main path


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def designed_map_svg(document: dict) -> SafeString:
    statuses = document["statuses"]
    open_ones = [s for s in statuses if not s["final"]]
    finals = [s for s in statuses if s["final"]]
    place: dict[str, tuple[int, int]] = {}
    for k, status in enumerate(open_ones):
        place[status["slug"]] = (20 + k * (BOX_W + GAP), TOP)
    for k, status in enumerate(finals):
        place[status["slug"]] = (20 + len(open_ones) * (BOX_W + GAP), TOP - 50 + k * (BOX_H + 24))
    width = 40 + (len(open_ones) + 1) * (BOX_W + GAP)
    height = max(TOP + BOX_H + 150, TOP - 50 + len(finals) * (BOX_H + 24) + 40)
    sla = {
        c["status"]: c["allowance_minutes"]
        for c in document["sla"]
        if c["priority"] == ANY_PRIORITY
    }
    names = {s["slug"]: s["name"] for s in statuses}

    arcs = []
    edges = [(i, src, t) for t in document["transitions"] for i, src in enumerate(t["from"])]
    drawn = (e for e in edges if e[1] in place and e[2]["to"] in place)
    for k, (i, source, move) in enumerate(drawn):
        colour = FAINT if len(move["from"]) > 2 else INK
        (x1, y1), (x2, y2) = place[source], place[move["to"]]
        forward = x2 > x1 or (x2 == x1 and y2 > y1)
        sx, ex = x1 + BOX_W / 2, x2 + BOX_W / 2
        sy = y1 if forward else y1 + BOX_H
        ey = y2 if forward else y2 + BOX_H
        lift = 30 + 14 * (k % 5)
        my = min(sy, ey) - lift if forward else max(sy, ey) + lift
        arcs.append(
            format_html(
                '<g data-move="{}"><path d="M{} {} Q{} {} {} {}" fill="none" stroke="{}" '
                'stroke-width="1.5" marker-end="url(#designed-arrow)"><title>{}: {} → {}</title>'
                "</path>{}</g>",
                move["name"],
                f"{sx:.0f}",
                f"{sy:.0f}",
                f"{(sx + ex) / 2:.0f}",
                f"{my:.0f}",
                f"{ex:.0f}",
                f"{ey:.0f}",
                colour,
                move["label"],
                names.get(source, source),
                names.get(move["to"], move["to"]),
                # The label once per move, on its first arrow.
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="{}">{}</text>',
                    f"{(sx + ex) / 2:.0f}",
                    f"{(sy + 2 * my + ey) / 4 + (-4 if forward else 12):.0f}",
                    colour,
                    move["label"]
                    + (f" (from {len(move['from'])})" if len(move["from"]) > 2 else ""),
                )
                if i == 0
                else "",
            )
        )
    boxes = format_html_join(
        "",
        '<g data-status="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" '
        'stroke="{}"/><text x="{}" y="{}" font-size="13" font-weight="bold">{}</text>'
        '<text x="{}" y="{}" font-size="12">{}</text><text x="{}" y="{}" font-size="12">{}</text>'
        "</g>",
        (
            (
                s["slug"],
                x,
                y,
                BOX_W,
                BOX_H,
                "#e8eef3" if s["final"] else "#f4f6f8",
                INK,
                x + 8,
                y + 18,
                s["name"][:20],
                x + 8,
                y + 36,
                (f"SLA {_hours(sla[s['slug']])} h" if s["slug"] in sla else "no SLA")
                if not s["final"]
                else "final" + (f" ({s['outcome']})" if s["outcome"] else ""),
                x + 8,
                y + 53,
                (s["stage_group"] or "")[:22],
            )
            for s in statuses
            for x, y in [place[s["slug"]]]
        ),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="Map of the designed '
        'process: its statuses and moves" class="process-map" data-testid="designed-map">'
        '<defs><marker id="designed-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 '
        'z" fill="{}"/></marker></defs>{}{}</svg>',
        width,
        height,
        INK,
        SafeString("".join(arcs)),
        boxes,
    )
