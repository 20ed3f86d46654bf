"""Repeat sales' weekly figures (sales/definitions.py): the week's orders and repeat orders,
reactivations opened, won and lost, in total and by client segment. Kept with the week's
snapshot (a stored section, metrics/sections.py) of order to cash and of the reactivation
process, so the catalogue's `sales.*` rows exist for key results. Six queries (the orders
read with their clients as at the week's end: sales/selectors/orders.py)."""

from collections import Counter
from datetime import datetime

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from metrics.weeks import iso_week_bounds
from processes.models import ClientSegment
from sales.definitions import (
    FIGURE_DEFINITIONS,
    NO_SEGMENT,
    ORDER_PROCESS_SLUG,
    REACTIVATION_SLUG,
)
from sales.models import Reactivation, ReactivationOutcome
from sales.selectors.orders import week_orders

COUNTS = ("orders", "repeat_orders", "reactivations_opened", "reactivations_won")


def repeat_sales_figures(process, week: str, now: datetime | None = None) -> dict | None:
    if process.slug not in (ORDER_PROCESS_SLUG, REACTIVATION_SLUG):
        return None
    start, end = iso_week_bounds(process, week)
    end = min(end, now or timezone.now())  # the week in progress: as of now
    if end <= start:
        return None  # a week still to come
    counts: dict[str, Counter] = {
        name: Counter() for name in ClientSegment.objects.values_list("name", flat=True)
    }

    def add(segment: str | None, key: str) -> None:
        segment = segment or NO_SEGMENT
        if segment not in counts:  # not setdefault: a Counter made for every order added up
            counts[segment] = Counter()
        counts[segment][key] += 1

    for order in week_orders(start, end):
        add(order.segment, "orders")
        if order.repeat:
            add(order.segment, "repeat_orders")
    rows = Reactivation.objects.filter(
        Q(opened_at__gte=start, opened_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end)
    ).values_list("segment__name", "opened_at", "closed_at", "outcome")
    for segment, opened_at, closed_at, outcome in rows:
        if start <= opened_at < end:
            add(segment, "reactivations_opened")
        if closed_at is not None and start <= closed_at < end:
            won = outcome == ReactivationOutcome.WON
            add(segment, "reactivations_won" if won else "reactivations_lost")
    keys = (*COUNTS, "reactivations_lost")
    by_segment = {name: {k: c[k] for k in keys} for name, c in sorted(counts.items())}
    totals = {k: sum(c[k] for c in by_segment.values()) for k in keys}
    return {
        **totals,
        "repeat_share": round(totals["repeat_orders"] / totals["orders"], 4)
        if totals["orders"]
        else None,
        "by_segment": by_segment,
    }


def repeat_sales_html(request, process, week, figures) -> str:
    return render_to_string(
        "sales/_weekly_repeat_sales.html",
        {
            "sales": figures,
            "week": week,
            "definitions": FIGURE_DEFINITIONS,
            "cards": f"{reverse('repeat-sales-cards')}?process={process.slug}&week={week}",
        },
        request=request,
    )
