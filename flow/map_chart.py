"""The process map as server-side SVG, readable at 1,440 px and printable: the statuses left to
right in process order (final ones in the last column), each box with its visits, time in
status P50/P85 (business hours) and WIP now; the moves as arcs with their counts, forward moves
above and moves back below; moves nobody designed in red and dashed, designed moves never used
in grey and dotted. Every number is a link to the cards behind it. The drawing is
metrics/charts/state_map.py's."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.safestring import SafeString

from metrics.charts.state_map import MapEdge, MapLayout, MapLine, MapNode, state_map_svg

LAYOUT = MapLayout(
    box=(150, 78), gap=40, top=150, finals=(60, 40), lift=(40, 12), below=200, label_size=12
)
UNDESIGNED, UNUSED, DESIGNED = "#b5472b", "#aaaaaa", "#34495e"


def _hours(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def map_svg(the_map: dict, *, cards_url: str, window: dict, names: dict) -> SafeString:
    """`names`: each status's label by slug (people read labels, never keys)."""

    def link(**choice) -> str:
        return f"{cards_url}?{urlencode({**window, **choice})}"

    nodes = [
        MapNode(
            key=n["status"],
            title=n["status"],
            lines=(
                MapLine(f"{n['visits']} visits", href=link(status=n["status"])),
                MapLine(f"P50 {_hours(n['p50_hours'])} h · P85 {_hours(n['p85_hours'])} h"),
                MapLine(f"WIP now {n['wip_now']}"),
            ),
            final=n["final"],
        )
        for n in the_map["nodes"]
    ]
    edges = [
        MapEdge(
            source=e["from"],
            target=e["to"],
            key=f"{e['from']}>{e['to']}",
            title=f"{names.get(e['from'], e['from'])} → {names.get(e['to'], e['to'])}: "
            f"{e['count']}{'' if e['designed'] else ' (not designed)'}",
            label=f"{e['count']} · P85 {_hours(e['p85_hours'])} h" if e["count"] else "",
            href=link(move=f"{e['from']}>{e['to']}"),
            colour=UNUSED if not e["count"] else DESIGNED if e["designed"] else UNDESIGNED,
            width=1 + min(e["count"], 40) / 8,
            dash="2 4" if not e["count"] else "" if e["designed"] else "6 3",
        )
        for e in the_map["edges"]
    ]
    return state_map_svg(
        nodes=nodes,
        edges=edges,
        layout=LAYOUT,
        marker_id="arrow",
        aria_label="Process map: designed moves and what happened",
    )
