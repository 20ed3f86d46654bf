"""processes/panels.py: the one extension point of the card's page and the board. flow gives the
board its SLE and stock its panel and tile marks through it; the processes' summaries
(processes/summaries.py) serve the processes page and API alone."""

import pytest

from processes import panels, summaries


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(panels, "EXTENSIONS", dict(panels.EXTENSIONS))
    return panels.EXTENSIONS


def test_the_apps_above_register_through_the_one_registry():
    flow, stock = panels.EXTENSIONS["flow"], panels.EXTENSIONS["stock"]
    assert (flow.sle_days is not None, flow.panel, flow.tile_marks) == (True, None, None)
    assert (stock.panel is not None, stock.tile_marks is not None, stock.sle_days) == (
        True, True, None,
    )  # fmt: skip
    assert "sle_days" not in summaries._providers


def test_registering_a_name_again_keeps_the_parts_it_does_not_give(registry):
    def marks(ids):
        return {i: "Promised" for i in ids if i % 2}

    def panel(request, card, *, may_edit):
        return "<p>panel</p>"

    registry.clear()
    panels.card_extension_register(name="tests.promise", tile_marks=marks)
    panels.card_extension_register(name="tests.promise", panel=panel)
    panels.card_extension_register(name="tests.late", tile_marks=lambda ids: {3: "Late"})
    assert registry["tests.promise"].tile_marks is marks
    assert registry["tests.promise"].panel is panel
    assert panels.tile_marks([1, 2, 3]) == {1: ["Promised"], 3: ["Promised", "Late"]}
    assert panels.tile_marks([]) == {}
    assert panels.card_panels(None, None, may_edit=False) == ["<p>panel</p>"]


def test_the_sle_is_the_first_one_an_app_answers(registry, o2c):
    registry.clear()
    panels.card_extension_register(name="a", sle_days=lambda process: None)
    panels.card_extension_register(name="b", sle_days=lambda process: 4.5)
    panels.card_extension_register(name="c", sle_days=lambda process: 9.0)
    assert panels.sle_days_of(o2c) == 4.5
    registry.clear()
    assert panels.sle_days_of(o2c) is None
