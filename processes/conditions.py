"""Conditions a transition may require, by name. Transition definitions (data) pick from these.

Each condition answers with a sentence naming what is missing, or None when it holds. The ones
here read only the card's own columns (counts and totals are denormalized), so checking them
costs no query. Apps above processes add their own with `condition_register` in their
AppConfig.ready (docs/design.md, "Architecture": processes never imports them).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    name: str
    label: str
    check: Callable[..., str | None]


def _has_client(card, **_):
    return None if card.client_id else "Set the client."


def _has_line_items(card, **_):
    return None if card.items_count > 0 else "Add at least one line item."


def _has_price(card, **_):
    return None if card.items_price_total > 0 else "Set a price: the line items total is zero."


def _has_shipment_date(card, **_):
    return None if card.shipment_date else "Set the shipment date."


def _has_promised_on(card, **_):
    return None if card.promised_on else "Set the promised date (the date promised to the client)."


def _has_lost_reason(card, lost_reason: str = "", **_):
    return None if (lost_reason or "").strip() else "Give the reason the deal was lost."


def _has_responsible(card, **_):
    return None if card.responsible_id else "Assign a responsible person."


def _not_blocked(card, **_):
    return "Unblock the card first." if card.is_blocked else None


CONDITIONS: dict[str, Condition] = {
    c.name: c
    for c in [
        Condition("has_client", "The card has a client", _has_client),
        Condition("has_line_items", "The card has at least one line item", _has_line_items),
        Condition("has_price", "The line items have a price", _has_price),
        Condition("has_shipment_date", "The card has a shipment date", _has_shipment_date),
        Condition("has_promised_on", "The card has a promised date", _has_promised_on),
        Condition("has_lost_reason", "A lost reason is given", _has_lost_reason),
        Condition("has_responsible", "The card has a responsible person", _has_responsible),
        Condition("not_blocked", "The card is not blocked", _not_blocked),
    ]
}


def condition_register(*, name: str, label: str, check: Callable[..., str | None]) -> None:
    """Offer a named condition to every process (called once, at start-up)."""
    CONDITIONS[name] = Condition(name, label, check)


def condition_choices() -> list[tuple[str, str]]:
    return [(c.name, c.label) for c in CONDITIONS.values()]


def unmet_conditions(card, names, **context) -> list[str]:
    unmet = []
    for name in names:
        condition = CONDITIONS.get(name)
        if condition is None:
            unmet.append(f"Unknown condition {name!r} in the process definition.")
            continue
        message = condition.check(card, **context)
        if message:
            unmet.append(message)
    return unmet
