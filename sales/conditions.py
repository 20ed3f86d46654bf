"""The reactivation process's condition and effects on its moves (registered by name with
processes' registries at start-up: sales/registrations.py).

Won means the client placed an order: an order card (order to cash) created for the client
since the reactivation card was opened. Staff mark the card won, and the move links that order
(the first one since) to the card; the move is refused while there is no such order.
"""

from processes.services.links import card_link
from sales.definitions import ORDER_LINK_KIND
from sales.models import Reactivation, ReactivationOutcome
from sales.selectors import orders_since

NO_ORDER = (
    "The client has placed no order since this card was opened: mark it lost (no order), or "
    "wait for the order."
)


def _opened_at(card):
    reactivation = Reactivation.objects.filter(card_id=card.pk).only("opened_at").first()
    return reactivation.opened_at if reactivation is not None else card.created_at


def client_ordered(card, **_) -> str | None:
    if card.client_id is None:
        return "Set the client."
    if not orders_since(client_id=card.client_id, since=_opened_at(card)).exists():
        return NO_ORDER
    return None


def _close(card, *, now, outcome: str, order=None) -> None:
    changes = {"closed_at": now, "outcome": outcome}
    if order is not None:
        changes["order_card"] = order
    Reactivation.objects.filter(card_id=card.pk, closed_at=None).update(**changes)


def reactivation_won(*, card, actor, now, transition) -> None:
    order = orders_since(client_id=card.client_id, since=_opened_at(card)).first()
    if order is not None:
        card_link(actor=actor, source=card, target=order, kind=ORDER_LINK_KIND, now=now)
    _close(card, now=now, outcome=ReactivationOutcome.WON, order=order)


def reactivation_lost(*, card, actor, now, transition) -> None:
    _close(card, now=now, outcome=ReactivationOutcome.LOST)
