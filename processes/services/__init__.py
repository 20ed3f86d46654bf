"""Actions that change a card. One function per business action, each in one transaction."""

from processes.services.approvals import (
    approval_decide,
    approval_requests_sync,
    approvals_escalate,
)
from processes.services.blocks import card_block, card_unblock
from processes.services.bulk import BulkResult, cards_bulk_apply
from processes.services.cards import card_create, card_update
from processes.services.clients import client_create
from processes.services.comments import card_comment_add
from processes.services.documents import document_add, document_remove
from processes.services.items import card_item_add
from processes.services.transitions import card_transition, card_transition_options

__all__ = [
    "BulkResult",
    "approval_decide",
    "approval_requests_sync",
    "approvals_escalate",
    "card_block",
    "card_comment_add",
    "card_create",
    "card_item_add",
    "card_transition",
    "card_transition_options",
    "card_unblock",
    "cards_bulk_apply",
    "card_update",
    "client_create",
    "document_add",
    "document_remove",
]
