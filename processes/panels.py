"""What apps above processes add to the card page and the board's tiles (docs/design.md,
"Architecture": pages above compose what lower apps show; processes never imports them).

- A card panel renders (request, card, may_edit) -> HTML shown beside the line items.
- A tile mark answers, for a whole board page at once (card ids -> short text), a mark for the
  tiles it concerns: one query per page, never one per tile.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString

CARD_PANELS: dict[str, Callable[..., SafeString]] = {}
TILE_MARKS: dict[str, Callable[[list[int]], dict[int, str]]] = {}


def card_panel_register(*, name: str, render: Callable[..., SafeString]) -> None:
    CARD_PANELS[name] = render


def tile_mark_register(*, name: str, marks: Callable[[list[int]], dict[int, str]]) -> None:
    TILE_MARKS[name] = marks


def card_panels(request, card, *, may_edit: bool) -> list[SafeString]:
    return [render(request, card, may_edit=may_edit) for render in CARD_PANELS.values()]


def tile_marks(card_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if not card_ids:
        return found
    for marks in TILE_MARKS.values():
        for card_id, text in marks(card_ids).items():
            found.setdefault(card_id, []).append(text)
    return found
