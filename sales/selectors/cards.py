"""The cards behind each number of repeat sales' weekly figures (the dashboard's numbers link
here): the same definitions as sales.selectors.figures, as card querysets."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from processes.models import RequestCard
from sales.definitions import NO_SEGMENT, ORDER_PROCESS_SLUG
from sales.models import Reactivation, ReactivationOutcome

FIGURES = (
    "orders",
    "repeat_orders",
    "reactivations_opened",
    "reactivations_won",
    "reactivations_lost",
)


def earlier_order():
    """An order card of the same client created before the outer one, by (time, id)."""
    return RequestCard.objects.filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")),
        process__slug=ORDER_PROCESS_SLUG,
        client_id=OuterRef("client_id"),
    )


def _segment_q(field: str, segment: str | None) -> Q:
    if segment is None:
        return Q()
    if segment == NO_SEGMENT:
        return Q(**{f"{field}__isnull": True})
    return Q(**{f"{field}__name": segment})


def figure_cards(
    cards: QuerySet, figure: str, *, start: datetime, end: datetime, segment: str | None = None
) -> QuerySet:
    """Of `cards` (e.g. those the user may see), the ones one figure counts in [start, end)."""
    if figure in ("orders", "repeat_orders"):
        found = cards.filter(
            _segment_q("client__segment", segment),
            process__slug=ORDER_PROCESS_SLUG,
            created_at__gte=start,
            created_at__lt=end,
        )
        return found.filter(Exists(earlier_order())) if figure == "repeat_orders" else found
    rows = Reactivation.objects.filter(_segment_q("segment", segment))
    if figure == "reactivations_opened":
        rows = rows.filter(opened_at__gte=start, opened_at__lt=end)
    else:
        won = figure == "reactivations_won"
        rows = rows.filter(
            closed_at__gte=start,
            closed_at__lt=end,
            outcome=ReactivationOutcome.WON if won else ReactivationOutcome.LOST,
        )
    return cards.filter(pk__in=rows.values("card_id"))
