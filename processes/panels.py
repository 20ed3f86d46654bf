"""What the apps above processes add to a card's page and to the board: the one extension point
of those pages (docs/design.md, "Extension points"; processes never imports those apps).

An app registers once, in its AppConfig.ready(), with what it adds; each part is optional:

    card_extension_register(name="stock", panel=card_stock_panel, tile_marks=short_marks)
    card_extension_register(name="flow", sle_days=process_sle_days)

- `panel(request, card, *, may_edit) -> HTML`: shown on the card's page beside the line items
  ("" for nothing).
- `tile_marks(card_ids) -> {card id: short text}`: a mark on the board's tiles it concerns, for a
  whole board page at once (one query per page, never one per tile).
- `sle_days(process) -> days | None`: the process's service level expectation; the board flags
  the open cards shown that started longer ago (the first app that answers one gives it).
- `board_actions(process) -> [(label, url)]`: buttons beside the board's "New card" for a user
  who may create cards in the process (customer service's "New complaint"); no query.
- `card_created(card, *, actor, now, details) -> None`: called by `card_create` inside its
  transaction, for every new card, however it was created (the board's "New card", the API, an
  app's own service): the app writes the rows it keeps for cards of its process (a complaint's,
  a reactivation's) from `details` (what the app's own service passed to `card_create`), or
  raises a DomainError to refuse the card (nothing is written). Cards of other processes: return.
- `rules_actions(process, user) -> [(label, url)]`: links on the process's rules page for that
  user (the designer's "Change the rules" for the owner and the accountable).

Registering a name again replaces the parts it gives and keeps the others (ready() may run twice
in tests; an app may also register its parts in separate calls).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.utils.safestring import SafeString

Panel = Callable[..., SafeString]
TileMarks = Callable[[list[int]], dict[int, str]]
SLEDays = Callable[..., float | None]
BoardActions = Callable[..., list[tuple[str, str]]]
CardCreated = Callable[..., None]
RulesActions = Callable[..., list[tuple[str, str]]]


@dataclass(frozen=True)
class CardExtension:
    name: str
    panel: Panel | None = None
    tile_marks: TileMarks | None = None
    sle_days: SLEDays | None = None
    board_actions: BoardActions | None = None
    card_created: CardCreated | None = None
    rules_actions: RulesActions | None = None


EXTENSIONS: dict[str, CardExtension] = {}


def card_extension_register(
    *,
    name: str,
    panel: Panel | None = None,
    tile_marks: TileMarks | None = None,
    sle_days: SLEDays | None = None,
    board_actions: BoardActions | None = None,
    card_created: CardCreated | None = None,
    rules_actions: RulesActions | None = None,
) -> None:
    given = {
        "panel": panel,
        "tile_marks": tile_marks,
        "sle_days": sle_days,
        "board_actions": board_actions,
        "card_created": card_created,
        "rules_actions": rules_actions,
    }
    held = EXTENSIONS.get(name, CardExtension(name))
    EXTENSIONS[name] = replace(held, **{k: v for k, v in given.items() if v is not None})


def card_panels(request, card, *, may_edit: bool) -> list[SafeString]:
    return [e.panel(request, card, may_edit=may_edit) for e in EXTENSIONS.values() if e.panel]


def tile_marks(card_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if not card_ids:
        return found
    for extension in EXTENSIONS.values():
        if extension.tile_marks:
            for card_id, text in extension.tile_marks(card_ids).items():
                found.setdefault(card_id, []).append(text)
    return found


def sle_days_of(process) -> float | None:
    """The process's SLE in days from the first app that answers one, else None."""
    for extension in EXTENSIONS.values():
        if extension.sle_days and (days := extension.sle_days(process)) is not None:
            return days
    return None


def board_actions_of(process) -> list[tuple[str, str]]:
    """(label, url) of the buttons the apps above add to the process's board."""
    return [
        action
        for extension in EXTENSIONS.values()
        if extension.board_actions
        for action in extension.board_actions(process)
    ]


def card_created_hooks(card, *, actor, now, details: dict) -> None:
    """The apps above write their rows for a new card (or refuse it), in card_create's
    transaction."""
    for extension in EXTENSIONS.values():
        if extension.card_created:
            extension.card_created(card, actor=actor, now=now, details=details)


def rules_actions_of(process, user) -> list[tuple[str, str]]:
    """(label, url) of the links the apps above add to the process's rules page for `user`."""
    return [
        action
        for extension in EXTENSIONS.values()
        if extension.rules_actions
        for action in extension.rules_actions(process, user)
    ]
