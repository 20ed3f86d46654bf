"""The weekly review's list of reactivations (registered with metrics.agenda): the open
reactivation cards, on the weekly agenda of order to cash and of the reactivation process,
those with the nearest deadline first, each with its account manager, the client's last order
and whether the client has ordered since (then: mark it won). Two queries."""

from datetime import date, datetime

from django.db.models import F
from django.urls import reverse

from opmodel.formatting import day_text, person_text
from processes.calendars import process_zone
from processes.models import SLAState
from processes.sla import sla_state
from sales.definitions import ORDER_PROCESS_SLUG, REACTIVATION_SLUG
from sales.models import Reactivation
from sales.selectors.due import last_orders

TONES = {SLAState.BREACHED: "worse", SLAState.AT_RISK: "warn"}
STATES = {SLAState.BREACHED: "past its deadline", SLAState.AT_RISK: "deadline at risk"}


def reactivation_agenda_items(process, *, now: datetime, today: date) -> list[dict] | None:
    if process.slug not in (ORDER_PROCESS_SLUG, REACTIVATION_SLUG):
        return None
    rows = list(
        Reactivation.objects.filter(closed_at=None)
        .select_related("card__responsible", "client", "segment")
        .order_by(F("card__due_at").asc(nulls_last=True), "opened_at", "pk")
    )
    ordered = last_orders([r.client_id for r in rows])
    zone = process_zone(process)
    items = []
    for r in rows:
        last = ordered.get(r.client_id)
        won = last is not None and last >= r.opened_at
        state = sla_state(r.card, now)
        parts = [
            f"account manager {person_text(r.card.responsible) or 'unassigned'}",
            f"last order {day_text(last.astimezone(zone).date()) if last else 'none'}",
        ]
        if won:
            parts.append("ordered since: mark it won")
        elif state in STATES:
            parts.append(STATES[state])
        segment = f", {r.segment.name}" if r.segment_id else ""
        items.append(
            {
                "key": f"reactivation:{r.pk}",
                "text": f"#{r.card_id} {r.client.name}{segment}",
                "detail": "; ".join(parts),
                "url": reverse("card-detail", args=[r.card_id]),
                "tone": "better" if won else TONES.get(state, ""),
            }
        )
    return items
