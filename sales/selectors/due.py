"""Who is due for reactivation: clients with a segment whose last order is older than the
segment's usual interval between orders.

The client's *last order* is the latest creation of an order card (order to cash) for it,
whatever became of that card: a request is the client coming back (whether it was won is the
win rate's business). A client who never ordered counts from when it became a client. A
reactivation that ended (won or lost) counts as a contact too: the next one opens only an
interval after it, so a lost reactivation is not reopened by the next scan.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, Max, OuterRef, Q, Subquery

from processes.models import Client, RequestCard
from sales.definitions import ORDER_PROCESS_SLUG
from sales.models import Reactivation


@dataclass(frozen=True)
class DueClient:
    client_id: int
    last_order_at: datetime | None
    due_since: datetime  # the instant the interval ran out


def _last_order_subquery(now: datetime):
    return Subquery(
        RequestCard.objects.filter(
            client_id=OuterRef("pk"), process__slug=ORDER_PROCESS_SLUG, created_at__lte=now
        )
        .order_by()
        .values("client_id")
        .annotate(last=Max("created_at"))
        .values("last")
    )


def clients_due(*, now: datetime) -> list[DueClient]:
    """The clients due at `now` with no open reactivation, in one query (the interval's
    arithmetic in Python: a client's row is small and the rule reads alike on both
    databases). What happened after `now` is not read, so a scan replayed at a past instant
    sees what a scan then saw."""
    last_closed = Subquery(
        Reactivation.objects.filter(client_id=OuterRef("pk"), closed_at__lte=now)
        .order_by()
        .values("client_id")
        .annotate(last=Max("closed_at"))
        .values("last")
    )
    rows = (
        Client.objects.filter(segment__isnull=False, created_at__lte=now)
        .exclude(Exists(Reactivation.objects.filter(client_id=OuterRef("pk"), closed_at=None)))
        .annotate(last_order=_last_order_subquery(now), last_closed=last_closed)
        .values_list(
            "pk", "segment__order_interval_days", "created_at", "last_order", "last_closed"
        )
        .order_by("pk")
    )
    due = []
    for pk, days, created_at, last_order, last_closed in rows:
        since = max(t for t in (created_at, last_order, last_closed) if t is not None)
        until = since + timedelta(days=days)
        if until <= now:
            due.append(DueClient(pk, last_order, until))
    return due


def last_orders(client_ids) -> dict[int, datetime]:
    """{client id: its last order's creation} for the clients given (one query)."""
    return dict(
        RequestCard.objects.filter(client_id__in=client_ids, process__slug=ORDER_PROCESS_SLUG)
        .order_by()
        .values("client_id")
        .annotate(last=Max("created_at"))
        .values_list("client_id", "last")
    )


def orders_since(*, client_id: int | None, since: datetime):
    """The client's order cards created at or after `since`, the first first."""
    return RequestCard.objects.filter(
        Q(client_id=client_id) & Q(process__slug=ORDER_PROCESS_SLUG), created_at__gte=since
    ).order_by("created_at", "id")
