"""Repeat sales in words, written once (pure: no database)."""

# The reactivation process (installed by migration 0002) and the process whose cards are orders.
REACTIVATION_SLUG = "reactivation"
ORDER_PROCESS_SLUG = "order-to-cash"
# The kind of the link between a reactivation card and the order that won it.
ORDER_LINK_KIND = "reactivation"
NO_SEGMENT = "No segment"

FIGURE_DEFINITIONS = [
    ("Orders", "Order cards (order to cash) created in the week."),
    (
        "Repeat orders",
        "Of those, the orders of clients who had an order card created before (whatever became "
        "of it), each card read with its client as at the week's end: a client given later "
        "changes no past week.",
    ),
    (
        "Reactivations opened",
        "Reactivation cards opened in the week: clients past their segment's usual interval "
        "between orders.",
    ),
    (
        "Reactivations won",
        "Reactivation cards moved to Won in the week: the client placed an order after the card "
        "was opened (the order is linked to it).",
    ),
    ("No order", "Reactivation cards closed in the week without an order, with the reason."),
    (
        "Segment",
        "Orders by their client's segment as at the week's end (a later change of segment "
        "changes no past week); reactivations by the segment the client was in when its card "
        "was opened.",
    ),
]

FIGURE_LABELS = {
    "orders": "Orders",
    "repeat_orders": "Repeat orders",
    "reactivations_opened": "Reactivations opened",
    "reactivations_won": "Reactivations won",
    "reactivations_lost": "Reactivations closed without an order",
}
