"""Actions that change a card. One function per business action, each in one transaction."""

from processes.services.cards import (
    card_block,
    card_create,
    card_item_add,
    card_unblock,
    card_update,
    client_create,
    document_add,
)
from processes.services.transitions import card_transition, card_transition_options

__all__ = [
    "card_block",
    "card_create",
    "card_item_add",
    "card_transition",
    "card_transition_options",
    "card_unblock",
    "card_update",
    "client_create",
    "document_add",
]
