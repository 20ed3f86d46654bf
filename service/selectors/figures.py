"""The quality figures of a process that ships (service/definitions.py, FIGURE_DEFINITIONS):
complaints per 100 shipped orders of the week, repeat complaints per client over the trailing
window, the top complaint reasons. Kept with the week's snapshot (a stored section,
metrics/sections.py). Two queries whatever the data size (the window's complaints, the week's
shipments); `quality_cards` selects the cards
behind each number with the same filters."""

from collections import Counter
from datetime import datetime, time, timedelta

from django.db.models import Count
from django.template.loader import render_to_string

from metrics.weeks import iso_week_bounds
from processes.calendars import process_zone
from processes.definition import process_definition
from processes.models import RequestCard
from service.definitions import FIGURE_DEFINITIONS, REPEAT_WEEKS, TOP_REASONS, Reason
from service.selectors.complaints import complaints_about

SHIPMENT_EFFECT = "record_shipment"


def ships(process) -> bool:
    """The process ships orders: one of its moves records the shipment (read from the
    definition held in memory, no query)."""
    transitions = process_definition(process).transitions.values()
    return any(SHIPMENT_EFFECT in (t.effects or []) for t in transitions)


def _bounds(process, week: str):
    """The week's [start, end) instants, its local days, and the repeat window's start."""
    start, end = iso_week_bounds(process, week)
    zone = process_zone(process)
    monday = start.astimezone(zone).date()
    window = datetime.combine(monday - timedelta(weeks=REPEAT_WEEKS - 1), time(0), tzinfo=zone)
    return start, end, monday, monday + timedelta(days=6), window


def _repeat_rows(process, window, end) -> list[dict]:
    rows = (
        complaints_about(process)
        .filter(created_at__gte=window, created_at__lt=end, client__isnull=False)
        .values("client_id", "client__name")
        .annotate(complaints=Count("id"))
        .filter(complaints__gt=1)
        .order_by("-complaints", "client__name")
    )
    return [
        {"client": r["client_id"], "name": r["client__name"], "complaints": r["complaints"]}
        for r in rows
    ]


def quality_weekly_figures(process, week: str, now=None) -> dict | None:
    if not ships(process):
        return None
    start, end, monday, sunday, window = _bounds(process, week)
    # The repeat window's complaints hold the week's: one read for both.
    rows = list(
        complaints_about(process)
        .filter(created_at__gte=window, created_at__lt=end)
        .values_list("created_at", "complaint__reason", "client_id", "client__name")
    )
    reasons = [reason for at, reason, _, _ in rows if at >= start]
    shipped = RequestCard.objects.filter(
        process=process, shipped_on__gte=monday, shipped_on__lte=sunday
    ).count()
    per_client = Counter((client, name) for _, _, client, name in rows if client is not None)
    repeat = sorted(
        (
            {"client": client, "name": name, "complaints": n}
            for (client, name), n in per_client.items()
            if n > 1
        ),
        key=lambda r: (-r["complaints"], r["name"]),
    )
    order = {value: n for n, value in enumerate(Reason.values)}
    counts = {r: reasons.count(r) for r in sorted(set(reasons), key=order.get)}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order[item[0]]))
    return {
        "complaints": len(reasons),
        "shipped": shipped,
        "per_100_shipped": round(len(reasons) / shipped * 100, 1) if shipped else None,
        "repeat_weeks": REPEAT_WEEKS,
        "repeat_clients": len(repeat),
        "repeat": repeat,
        "by_reason": counts,
        "top_reasons": [
            {"reason": r, "label": Reason(r).label, "complaints": n}
            for r, n in ranked[:TOP_REASONS]
        ],
    }


# The figures behind the section's links: {figure: its words}.
FIGURE_LABELS = {
    "complaints": "Complaints received",
    "shipped": "Orders shipped",
    "repeat": f"Complaints of clients who complained more than once in {REPEAT_WEEKS} weeks",
}


def quality_cards(process, week: str, figure: str, key: str | None) -> dict | None:
    """The cards behind a quality figure: `complaints` (key: a reason), `shipped`, `repeat` (key:
    a client id). None for a figure this section does not have."""
    if figure not in FIGURE_LABELS:
        return None
    start, end, monday, sunday, window = _bounds(process, week)
    key_label = key
    if figure == "shipped":
        cards = RequestCard.objects.filter(
            process=process, shipped_on__gte=monday, shipped_on__lte=sunday
        )
    elif figure == "complaints":
        cards = complaints_about(process).filter(created_at__gte=start, created_at__lt=end)
        if key:
            cards = cards.filter(complaint__reason=key)
            key_label = dict(Reason.choices).get(key, key)
    else:
        repeat = _repeat_rows(process, window, end)
        clients = {r["client"]: r["name"] for r in repeat}
        if key:
            chosen = int(key) if key.isdigit() and int(key) in clients else None
            clients = {chosen: clients[chosen]} if chosen else {}
            key_label = next(iter(clients.values()), key)
        cards = complaints_about(process).filter(
            created_at__gte=window, created_at__lt=end, client_id__in=list(clients)
        )
    return {
        "label": FIGURE_LABELS[figure],
        "key_label": key_label,
        "ids": list(cards.order_by("id").values_list("id", flat=True)),
    }


def quality_weekly_html(request, process, week, figures) -> str:
    return render_to_string(
        "service/_weekly_quality.html",
        {"quality": figures, "process": process, "week": week, "definitions": FIGURE_DEFINITIONS},
        request=request,
    )
