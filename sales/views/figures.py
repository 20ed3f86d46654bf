"""/sales/week/cards/: the cards behind a number of the weekly dashboard's repeat sales (every
number on a dashboard links to its cards). A process the user holds no role in: 404; a bad
week or figure: 400."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from metrics.weeks import iso_week_bounds, parse_week
from opmodel.errors import InvalidInput
from processes.selectors import cards_visible_to, processes_visible_to
from sales.definitions import FIGURE_LABELS
from sales.selectors.cards import FIGURES, figure_cards

SHOWN = 500


@require_safe
def repeat_sales_cards(request):
    params = request.GET
    process = processes_visible_to(request.user).filter(slug=params.get("process", "")).first()
    if process is None:
        raise Http404("No such process.")
    figure, week = params.get("figure", ""), params.get("week", "")
    segment = params.get("segment") or None
    errors = {}
    if figure not in FIGURES:
        errors["figure"] = [f"Choose a figure from: {', '.join(FIGURES)}."]
    try:
        parse_week(week)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        return render(request, "sales/repeat_sales_cards.html", {"errors": errors}, status=400)
    start, end = iso_week_bounds(process, week)
    cards = figure_cards(
        cards_visible_to(request.user),
        figure,
        start=start,
        end=min(end, timezone.now()),
        segment=segment,
    ).order_by("created_at", "id")
    context = {
        "process": process,
        "week": week,
        "segment": segment,
        "label": FIGURE_LABELS[figure],
        "cards": cards[:SHOWN],
        "count": cards.count(),
        "shown": SHOWN,
    }
    return render(request, "sales/repeat_sales_cards.html", context)
