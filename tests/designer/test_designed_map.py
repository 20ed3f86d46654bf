"""The designed map is readable: no move's label covers a status's box or another label (order
to cash: seven open statuses, "mark lost" from each, a loop back from priced), and every label
stands inside the drawing."""

import xml.etree.ElementTree as ET

import pytest

from designer.map_chart import designed_map_svg
from processes.blueprints import process_document

SVG = "{http://www.w3.org/2000/svg}"
# An average sans-serif character is about 0.55 of the font size wide; the text rises about
# 0.8 of it above its baseline and falls 0.25 below.
CHAR, ASCENT, DESCENT = 0.55, 0.8, 0.25
CLEAR = 2  # the least gap between a label and anything else, in pixels


def _parsed(markup: str) -> ET.Element:
    return ET.fromstring(markup.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def _boxes(root: ET.Element):
    rects, labels = [], []
    for group in root.iter(f"{SVG}g"):
        if group.get("data-status"):
            rect = group.find(f"{SVG}rect")
            x, y = float(rect.get("x")), float(rect.get("y"))
            rects.append((x, y, x + float(rect.get("width")), y + float(rect.get("height"))))
        elif group.get("data-move"):
            for text in group.iter(f"{SVG}text"):
                size, x, y = (float(text.get(k)) for k in ("font-size", "x", "y"))
                half = len(text.text) * CHAR * size / 2
                labels.append(
                    (text.text, (x - half, y - ASCENT * size, x + half, y + DESCENT * size))
                )
    return rects, labels


def _hit(a, b, clear: float) -> bool:
    """The boxes meet or come closer than `clear`."""
    return (
        a[0] < b[2] + clear and b[0] < a[2] + clear and a[1] < b[3] + clear and b[1] < a[3] + clear
    )


def _with_moves(document: dict, *moves: tuple[str, str, str, str]) -> dict:
    added = [
        {"name": name, "label": label, "from": [source], "to": target, "roles": ["executor"]}
        for name, label, source, target in moves
    ]
    return {**document, "transitions": document["transitions"] + added}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moves",
    [
        pytest.param([], id="as-shipped"),
        # A second way between the same two statuses, and a loop back: what a designer adds.
        pytest.param(
            [
                ("agree_deferred", "Agree deferred terms", "priced", "agreed"),
                ("requalify", "Back to qualifying", "priced", "qualified"),
                ("reprice", "Price again", "agreed", "priced"),
            ],
            id="with-added-moves",
        ),
    ],
)
def test_no_label_covers_a_box_or_another_label(o2c, moves):
    document = _with_moves(process_document(o2c), *moves)
    root = _parsed(str(designed_map_svg(document)))
    rects, labels = _boxes(root)
    assert len(rects) == o2c.statuses.count()
    assert len(labels) == len(document["transitions"])
    for name, box in labels:
        assert not [r for r in rects if _hit(box, r, CLEAR)], f"{name!r} touches a status"
    crossed = [
        (a, b)
        for i, (a, box) in enumerate(labels)
        for b, other in labels[i + 1 :]
        if _hit(box, other, CLEAR)
    ]
    assert not crossed  # two labels run into each other ("Mark lost (from 6)Issue invoice")
    _, _, width, height = map(float, root.get("viewBox").split())
    for name, (x1, y1, x2, y2) in labels:
        assert 0 <= x1 and x2 <= width and 0 <= y1 and y2 <= height, name


@pytest.mark.django_db
def test_drawn_at_its_natural_size_so_its_text_keeps_its_size(o2c):
    """Beside the form at 1,440 px the column is 814 px and order to cash's map 1,342 units:
    shrunk to fit, its 11 px labels would be 6.7 px. Drawn one unit a pixel, its box scrolls."""
    root = _parsed(str(designed_map_svg(process_document(o2c))))
    assert root.get("width") == root.get("viewBox").split()[2]
