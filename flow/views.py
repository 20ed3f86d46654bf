"""The process's flow page: the SLE, the aging chart, a forecast and, when asked, its backtest.
Thin: read the question, ask the selectors, render. 404 for a process the user holds no role in.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from flow import charts, forecasting, selectors
from flow.queries import read_forecast_query
from processes.calendars import working_time_for
from processes.models import Status
from processes.selectors import processes_visible_to

LEVELS = [str(p) for p in forecasting.LEVELS]


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
    aging = selectors.aging_cards(process, now=now, sle_days=level.days)
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
            "past_sle": sum(card.past_sle for card in aging),
            "chart": charts.aging_svg(statuses=statuses, cards=aging, lines=lines),
            "result": result,
            "rows": [(p, result.percentiles[int(p)]) for p in LEVELS] if result else [],
            "backtest": sorted(backtest.items()) if backtest else None,
            "horizon": selectors.BACKTEST_HORIZON_DAYS,
        },
    )
