"""Reads of the processes app, one module a concept: `visible` (what a user may see: processes,
cards, approvals, people, saved views), `work_lists` (the board's columns and my queue's pages),
`timeline` (the card page's history). The names of `visible` are re-exported here."""

from processes.selectors.visible import (
    CARD_RELATED,
    Outcomes,
    approvals_decidable_by,
    approvals_requested_by,
    approvals_visible_to,
    card_events,
    card_page,
    cards_visible_to,
    outcome_statuses,
    people_visible_to,
    process_from_query,
    processes_visible_to,
    saved_views_of,
)

__all__ = [
    "CARD_RELATED",
    "Outcomes",
    "approvals_decidable_by",
    "approvals_requested_by",
    "approvals_visible_to",
    "card_events",
    "card_page",
    "cards_visible_to",
    "outcome_statuses",
    "people_visible_to",
    "process_from_query",
    "processes_visible_to",
    "saved_views_of",
]
