"""The process's flow page (the SLE, the aging chart, a forecast and, when asked, its backtest)
and its map, designed vs actual, with the cards behind each figure.
Thin: read the question, ask the selectors, render. 404 for a process the user holds no role in.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from flow import charts, forecasting, selectors
from flow.api.maps import check_figure, read_map_window
from flow.api.queries import read_forecast_query
from flow.map_chart import map_svg
from flow.selectors.process_map import cards_behind, process_map
from opmodel.errors import InvalidInput
from processes.calendars import working_time_for
from processes.models import RequestCard, Status
from processes.selectors import processes_visible_to

LEVELS = [str(p) for p in forecasting.LEVELS]
CARDS_SHOWN = 500


def _status_names(process) -> dict[str, str]:
    return dict(Status.objects.filter(process=process).values_list("slug", "name"))


@login_required
@require_safe
def process_flow(request, slug: str):
    process = get_object_or_404(processes_visible_to(request.user), slug=slug)
    now = timezone.now()
    today = now.astimezone(working_time_for(process).tz).date()
    question, errors = read_forecast_query(request.GET, today=today)
    if errors:
        question = None
    window = question["window_days"] if question else forecasting.DEFAULT_WINDOW_DAYS
    level = selectors.service_level(process, now=now, window_days=window)
    names = _status_names(process)
    aging = [
        {"card": card, "status": names.get(card.status, card.status)}
        for card in selectors.aging_cards(process, now=now, sle_days=level.days)
    ]
    lines = selectors.cycle_percentiles(process, now=now, window_days=window)
    statuses = list(
        Status.objects.filter(process=process, final=False)
        .order_by("order", "id")
        .values_list("slug", "name")
    )
    result = selectors.forecast(process, now=now, **question) if question else None
    backtest = None
    if question and request.GET.get("backtest"):
        backtest = selectors.backtest(
            process, now=now, window_days=question["window_days"], seed=question["seed"]
        )
    return render(
        request,
        "flow/process_flow.html",
        {
            "nav": "processes",
            "process": process,
            "errors": errors,
            "params": request.GET,
            "level": level,
            "aging": aging,
            "past_sle": sum(row["card"].past_sle for row in aging),
            "chart": charts.aging_svg(
                statuses=statuses, cards=[row["card"] for row in aging], lines=lines
            ),
            "result": result,
            "rows": [(p, result.percentiles[int(p)]) for p in LEVELS] if result else [],
            "backtest": sorted(backtest.items()) if backtest else None,
            "horizon": selectors.BACKTEST_HORIZON_DAYS,
        },
    )


def _window_for(request, slug: str):
    """The process, the window asked (or the default) and its errors."""
    process = get_object_or_404(processes_visible_to(request.user), slug=slug)
    today = timezone.now().astimezone(working_time_for(process).tz).date()
    try:
        first, last = read_map_window(request.GET, today=today)
        errors = {}
    except InvalidInput as refused:
        first, last = read_map_window({}, today=today)
        errors = refused.errors
    return process, first, last, errors


def _params(first, last) -> dict:
    return {"from": first.isoformat(), "to": last.isoformat()}


@login_required
@require_safe
def process_map_page(request, slug: str):
    process, first, last, errors = _window_for(request, slug)
    the_map, window = process_map(process, first=first, last_excluded=last), _params(first, last)
    cards_url = reverse("process-map-cards", args=[process.slug])
    names = _status_names(process)
    return render(
        request,
        "flow/process_map.html",
        {
            "nav": "processes",
            "process": process,
            "map": the_map,
            "window": window,
            "errors": errors,
            "chart": map_svg(the_map, cards_url=cards_url, window=window, names=names),
            "cards_url": cards_url,
            "query": urlencode(window),
            "problems": [
                {**row, "name": names.get(row["status"], row["status"])}
                for row in the_map["problems"]
            ],
            "variants": [
                (k, v, " → ".join(names.get(slug, slug) for slug in v["path"]))
                for k, v in enumerate(the_map["variants"])
            ],
        },
    )


@login_required
@require_safe
def process_map_cards(request, slug: str):
    process, first, last, errors = _window_for(request, slug)
    window = _params(first, last)
    try:
        figure = check_figure(request.GET)
    except InvalidInput as refused:
        errors = {**errors, **refused.errors}
    page = {"nav": "processes", "process": process, "window": window, "query": urlencode(window)}
    if errors:  # a link edited by hand: say what is wrong rather than show other cards
        page.update(title="The cards behind a figure", errors=errors)
        return render(request, "flow/process_map_cards.html", page, status=400)
    chosen = cards_behind(process, figure, first=first, last_excluded=last)
    if chosen is None:
        raise Http404("No such figure on the map.")
    title, ids = chosen
    cards = list(
        RequestCard.objects.filter(pk__in=ids[:CARDS_SHOWN])
        .order_by("id")
        .values("id", "title", "status")
    )
    page.update(title=title, cards=cards, total=len(ids))
    return render(request, "flow/process_map_cards.html", page)
