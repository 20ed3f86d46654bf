"""The demo's exceptions no rule foresees (processes/services/exceptions.py): a few asked by
ops from recent open cards over the last four weeks, most decided by the owner, the latest one
still waiting, so the approvals inbox, the weekly figures by reason and the monthly agenda have
something to show. Safe to repeat: a process that has any is left as it is."""

from datetime import timedelta

from django.utils import timezone

from processes.models import AD_HOC_FAMILY, ApprovalRequest, RequestCard, Status
from processes.services.approvals import approval_decide
from processes.services.exceptions import exception_ask

ASKS = [  # (days ago, reason, ask, why, approved: True, False, or None to leave it waiting)
    (25, "payment", "Pay in 45 days instead of 30", "A new client's payment run is monthly.", True),
    (20, "delivery", "Deliver on Saturday", "The site takes deliveries only at weekends.", True),
    (16, "payment", "Ship before the prepayment arrives", "A regular client; the transfer is "
     "on its way.", True),
    (12, "stock", "Ship a substitute drill model", "The ordered one is out until next month.",
     False),
    (9, "payment", "Split the invoice in two", "The client's budget closes mid-month.", True),
    (5, "documents", "Send the invoice without a PO number", "The client's PO comes later.",
     True),
    (2, "delivery", "Deliver to a second address", "Half of the order goes to a branch.", True),
    (0, "payment", "Pay in 60 days", "A large order; the client asks for longer terms.", None),
]  # fmt: skip


def seed_demo_exceptions(*, process, asker, owner) -> int:
    if ApprovalRequest.objects.filter(card__process=process, family=AD_HOC_FAMILY).exists():
        return 0
    finals = Status.objects.filter(process=process, final=True).values("slug")
    cards = list(
        RequestCard.objects.filter(process=process)
        .exclude(status__in=finals)
        .order_by("-created_at", "-id")[: len(ASKS)]
    )
    now = timezone.now()
    made = 0
    for card, (days, reason, ask, why, approved) in zip(cards, ASKS, strict=False):
        at = max(now - timedelta(days=days, hours=3), card.created_at + timedelta(minutes=5))
        at = min(at, now - timedelta(minutes=30))
        request = exception_ask(actor=asker, card=card, ask=ask, why=why, reason=reason, now=at)
        made += 1
        if approved is not None:
            approval_decide(
                actor=owner,
                approval=request,
                approve=approved,
                comment="" if approved else "Ask the client first: a substitute needs its yes.",
                at=at + timedelta(hours=2),
            )
    return made
