"""Repeat sales' weekly figures (sales/definitions.py): the week's orders and repeat orders,
reactivations opened, won and lost, in total and by client segment. Kept with the week's
snapshot (a stored section, metrics/sections.py) of order to cash and of the reactivation
process, so the catalogue's `sales.*` rows exist for key results. Six queries (the orders
read with their clients as at the week's end: sales/selectors/orders.py). The year's backfill
asks for all its weeks at once (`repeat_sales_figures_weeks`, the section's `compute_weeks`):
nine queries at most in all, each week's figures equal to the week's alone."""

from bisect import bisect_right
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
from sales.selectors.orders import week_orders, weeks_order_counts

COUNTS = ("orders", "repeat_orders", "reactivations_opened", "reactivations_won")
KEYS = (*COUNTS, "reactivations_lost")


def _segment_counts(names) -> dict[str, Counter]:
    """Every segment's counts, zero until added to (a segment without orders is shown too)."""
    return {name: Counter() for name in names}


def _add(counts: dict[str, Counter], segment: str | None, key: str, k: int = 1) -> None:
    segment = segment or NO_SEGMENT
    if segment not in counts:  # not setdefault: a Counter made for every order added up
        counts[segment] = Counter()
    counts[segment][key] += k


def _figures(counts: dict[str, Counter]) -> dict:
    by_segment = {name: {k: c[k] for k in KEYS} for name, c in sorted(counts.items())}
    totals = {k: sum(c[k] for c in by_segment.values()) for k in KEYS}
    return {
        **totals,
        "repeat_share": round(totals["repeat_orders"] / totals["orders"], 4)
        if totals["orders"]
        else None,
        "by_segment": by_segment,
    }


def repeat_sales_figures(process, week: str, now: datetime | None = None) -> dict | None:
    if process.slug not in (ORDER_PROCESS_SLUG, REACTIVATION_SLUG):
        return None
    start, end = iso_week_bounds(process, week)
    end = min(end, now or timezone.now())  # the week in progress: as of now
    if end <= start:
        return None  # a week still to come
    counts = _segment_counts(ClientSegment.objects.values_list("name", flat=True))

    for order in week_orders(start, end):
        _add(counts, order.segment, "orders")
        if order.repeat:
            _add(counts, order.segment, "repeat_orders")
    rows = Reactivation.objects.filter(
        Q(opened_at__gte=start, opened_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end)
    ).values_list("segment__name", "opened_at", "closed_at", "outcome")
    for segment, opened_at, closed_at, outcome in rows:
        if start <= opened_at < end:
            _add(counts, segment, "reactivations_opened")
        if closed_at is not None and start <= closed_at < end:
            won = outcome == ReactivationOutcome.WON
            _add(counts, segment, "reactivations_won" if won else "reactivations_lost")
    return _figures(counts)


def repeat_sales_figures_weeks(process, weeks: list[str], now: datetime | None = None) -> dict:
    """{week: repeat_sales_figures(process, week, now=now)} for many weeks at once (the year's
    backfill, metrics/sections.py's `compute_weeks`): the history read once, not once a week.
    Eight or nine queries whatever the number of weeks (sales/selectors/orders.py's six or
    seven, then the segments and the reactivations)."""
    found: dict[str, dict | None] = dict.fromkeys(weeks)
    if process.slug not in (ORDER_PROCESS_SLUG, REACTIVATION_SLUG):
        return found
    now = now or timezone.now()
    bounds = {}
    for week in found:
        start, end = iso_week_bounds(process, week)
        if min(end, now) > start:  # else a week still to come: None
            bounds[week] = (start, min(end, now))
    if not bounds:
        return found
    names = list(ClientSegment.objects.values_list("name", flat=True))
    counts = {week: _segment_counts(names) for week in bounds}
    for week, counted in zip(bounds, weeks_order_counts(list(bounds.values())), strict=True):
        for (segment, repeat), k in counted.items():
            _add(counts[week], segment, "orders", k)
            if repeat:
                _add(counts[week], segment, "repeat_orders", k)
    in_order = sorted(bounds, key=lambda week: bounds[week][0])
    starts = [bounds[week][0] for week in in_order]
    first, last = starts[0], max(end for _, end in bounds.values())

    def week_at(at: datetime | None) -> str | None:
        i = bisect_right(starts, at) - 1 if at is not None else -1
        return in_order[i] if i >= 0 and at < bounds[in_order[i]][1] else None

    rows = Reactivation.objects.filter(
        Q(opened_at__gte=first, opened_at__lt=last) | Q(closed_at__gte=first, closed_at__lt=last)
    ).values_list("segment__name", "opened_at", "closed_at", "outcome")
    for segment, opened_at, closed_at, outcome in rows:
        if week := week_at(opened_at):
            _add(counts[week], segment, "reactivations_opened")
        if week := week_at(closed_at):
            won = outcome == ReactivationOutcome.WON
            _add(counts[week], segment, "reactivations_won" if won else "reactivations_lost")
    found.update((week, _figures(counts[week])) for week in bounds)
    return found


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
