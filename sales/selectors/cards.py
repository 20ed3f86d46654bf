"""The cards behind each number of repeat sales' weekly figures (the dashboard's numbers link
here): the same definitions as sales.selectors.figures, as card querysets."""

from datetime import datetime

from django.db.models import Q, QuerySet

from sales.definitions import NO_SEGMENT
from sales.models import Reactivation, ReactivationOutcome
from sales.selectors.orders import week_orders

FIGURES = (
    "orders",
    "repeat_orders",
    "reactivations_opened",
    "reactivations_won",
    "reactivations_lost",
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
        ids = [
            order.card_id
            for order in week_orders(start, end)
            if (order.repeat or figure == "orders")
            and (segment is None or (order.segment or NO_SEGMENT) == segment)
        ]
        return cards.filter(pk__in=ids)
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
