"""Customer service's words and figures, written once (the weekly dashboard shows
FIGURE_DEFINITIONS under the quality section).

A complaint is a card of the process `customer-service` with a reason and, for a return, what
is returned (service.models.Complaint); it is linked to the order card it is about, when it has
one, by a card link of kind `complaint` (complaint card -> order card).
"""

from django.db import models

PROCESS_SLUG = "customer-service"
LINK_KIND = "complaint"
# The quality figures' trailing window for repeat complaints, in whole weeks ending with the
# week shown.
REPEAT_WEEKS = 8
TOP_REASONS = 3


class Reason(models.TextChoices):
    DAMAGED = "damaged", "Damaged goods"
    LATE = "late", "Late delivery"
    WRONG_ITEM = "wrong_item", "Wrong item"
    QUALITY = "quality", "Quality"
    BILLING = "billing", "Billing"
    OTHER = "other", "Other"


FIGURE_DEFINITIONS = [
    (
        "Complaints",
        "The cards of Customer service received (created) in the week, in the calendar's time "
        "zone: those linked to an order card of this process and those linked to no order.",
    ),
    (
        "Shipped orders",
        "The cards of this process shipped in the week: their shipment day (the day of the move "
        "that records the shipment, Ship) falls within the week.",
    ),
    (
        "Complaints per 100 shipped orders",
        "Complaints / shipped orders x 100, one decimal; none when nothing shipped in the week. "
        "A complaint counts in the week it was received, whenever its order shipped.",
    ),
    (
        "Repeat complaints",
        f"Clients with more than one complaint received in the trailing {REPEAT_WEEKS} weeks "
        f"ending with this one (from the Monday {REPEAT_WEEKS - 1} weeks before to the week's "
        "end), counted among the complaints defined above; the number is of clients.",
    ),
    (
        "Top complaint reasons",
        f"The week's complaints by reason, the {TOP_REASONS} most frequent first (ties by the "
        "reason's order in the list).",
    ),
]
