"""The drawing of a process as boxes and arrows (metrics/charts/state_map.py), without a
database: where the boxes stand, labels kept off the boxes and off each other, links, escaping."""

import re

from metrics.charts.state_map import MapEdge, MapLayout, MapLine, MapNode, state_map_svg

LAYOUT = MapLayout(
    box=(150, 64), gap=36, top=130, finals=(50, 24), lift=(30, 14), below=150, label_size=11
)
NODES = [
    MapNode("a", "A"),
    MapNode("done", "Done", final=True),
    MapNode("b", "B <b>", lines=(MapLine("3 visits", href="/cards/?status=b"),)),
    MapNode("gone", "Gone", final=True),
]
LABEL = re.compile(r'<text x="(\d+)" y="(\d+)" font-size="11" text-anchor="middle"[^>]*>([^<]*)')


def _svg(edges, **options) -> str:
    return str(
        state_map_svg(
            nodes=NODES, edges=edges, layout=LAYOUT, marker_id="m", aria_label="Map", **options
        )
    )


def test_open_statuses_in_a_row_and_the_final_ones_stacked_last():
    svg = _svg([])
    assert '<g data-status="a"><rect x="20" y="130"' in svg
    assert '<g data-status="b"><rect x="206" y="130"' in svg
    assert '<g data-status="done"><rect x="392" y="80"' in svg
    assert '<g data-status="gone"><rect x="392" y="168"' in svg
    assert 'viewBox="0 0 598 344" width="100%"' in svg
    assert 'width="598"' in _svg([], natural_size=True)


def test_labels_between_the_same_pair_do_not_cover_each_other():
    edges = [
        MapEdge("a", "b", key=f"m{k}", title="t", label="A long label of a move") for k in range(3)
    ]
    boxes = []
    for x, y, text in LABEL.findall(_svg(edges)):
        half = len(text) * 0.55 * 11 / 2
        boxes.append((int(x) - half, int(y) - 9, int(x) + half, int(y) + 3))
    assert len(boxes) == 3
    for i, one in enumerate(boxes):
        for other in boxes[i + 1 :]:
            apart = one[2] <= other[0] or other[2] <= one[0]
            assert apart or one[3] <= other[1] or other[3] <= one[1]


def test_links_tooltips_and_escaping():
    edge = MapEdge("b", "a", key="b>a", title="B → A <i>", label="2", href="/cards/?move=b>a")
    svg = _svg([edge, MapEdge("a", "nowhere", key="x", title="never drawn")])
    assert '<g data-move="b&gt;a">' in svg and "<title>B → A &lt;i&gt;</title>" in svg
    assert '<a href="/cards/?move=b&gt;a"><text' in svg
    assert '<a href="/cards/?status=b"><text' in svg and "B &lt;b&gt;" in svg
    assert 'data-move="x"' not in svg  # a move to a status not drawn is left out
