"""The designed process as server-side SVG, beside the designer's forms: what the rules say,
with no actuals (flow's map draws what happened; this one is drawn from the process document,
so it shows the definition a change leaves, before any card went through it). Statuses left to
right in process order, the final ones stacked in the last column; each box with its name, its
SLA for any priority and its stage role; each designed move an arrow with its label, forward
moves above the boxes and moves back below. The drawing is metrics/charts/state_map.py's.

Drawn at its natural size (1 unit a pixel, not shrunk to its column): order to cash is 1,342
units wide, and beside the form at 1,440 px the column is 814 px (a page of at most 1,240 px less
the 320 px form), so its 11 px labels would shrink to 6.7 px; its box scrolls sideways instead
(`.map-scroll`)."""

from __future__ import annotations

from django.utils.safestring import SafeString

from metrics.charts.state_map import INK, MapEdge, MapLayout, MapLine, MapNode, state_map_svg
from processes.blueprints.export import ANY_PRIORITY

LAYOUT = MapLayout(
    box=(150, 64), gap=36, top=130, finals=(50, 24), lift=(30, 14), below=150, label_size=11
)
FAINT = "#9aa5b1"  # a move from many statuses (mark lost): drawn, but not over the main path


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def _node(status: dict, sla: dict[str, int]) -> MapNode:
    if status["final"]:
        rule = "final" + (f" ({status['outcome']})" if status["outcome"] else "")
    elif status["slug"] in sla:
        rule = f"SLA {_hours(sla[status['slug']])} h"
    else:
        rule = "no SLA"
    return MapNode(
        key=status["slug"],
        title=status["name"][:20],
        lines=(MapLine(rule), MapLine((status["stage_group"] or "")[:22])),
        final=status["final"],
        fill="#e8eef3" if status["final"] else "#f4f6f8",
    )


def designed_map_svg(document: dict) -> SafeString:
    statuses = document["statuses"]
    sla = {
        c["status"]: c["allowance_minutes"]
        for c in document["sla"]
        if c["priority"] == ANY_PRIORITY
    }
    names = {s["slug"]: s["name"] for s in statuses}
    edges = []
    for move in document["transitions"]:
        many = len(move["from"]) > 2
        for i, source in enumerate(move["from"]):
            edges.append(
                MapEdge(
                    source=source,
                    target=move["to"],
                    key=move["name"],
                    title=f"{move['label']}: {names.get(source, source)} → "
                    f"{names.get(move['to'], move['to'])}",
                    # The label once per move, on its first arrow.
                    label=(move["label"] + (f" (from {len(move['from'])})" if many else ""))
                    if i == 0
                    else "",
                    colour=FAINT if many else INK,
                )
            )
    return state_map_svg(
        nodes=[_node(s, sla) for s in statuses],
        edges=edges,
        layout=LAYOUT,
        marker_id="designed-arrow",
        aria_label="Map of the designed process: its statuses and moves",
        natural_size=True,
    )
