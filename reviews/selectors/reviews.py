"""Reads for the review pages and the API: a fixed number of queries whatever the data size."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When

from processes.calendars import process_calendar
from reviews.definitions import DecisionState
from reviews.models import Decision, Review, Rhythm
from reviews.permissions import restrict_reviews
from reviews.selectors.rhythm import cadence, next_slot, rhythm_when


def reviews_visible_to(user) -> QuerySet[Review]:
    return restrict_reviews(Review.objects.select_related("process", "facilitator"), user)


def decisions_visible_to(user) -> QuerySet[Decision]:
    return restrict_reviews(
        Decision.objects.select_related("owner", "review", "process", "key_result", "version"), user
    )


def decisions_for(user, *, owner: int | None = None, state: str = "open", today: date):
    """Decisions by state (open, done, dropped, or overdue: open past due), the user's first."""
    decisions = decisions_visible_to(user)
    if owner is not None:
        decisions = decisions.filter(owner_id=owner)
    if state == "overdue":
        decisions = decisions.filter(state=DecisionState.OPEN, due_on__lt=today)
    elif state:
        decisions = decisions.filter(state=state)
    mine = Case(
        When(owner_id=user.pk, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return decisions.annotate(mine=mine).order_by("mine", "due_on", "id")


def facilitator_kind(process_id: int, level: str) -> str | None:
    """The role kind the process's rhythm of this level names to run its reviews."""
    return (
        Rhythm.objects.filter(process_id=process_id, level=level)
        .values_list("facilitator_kind", flat=True)
        .first()
    )


def _local(moment: datetime | None, tz) -> datetime | None:
    return moment.astimezone(tz) if moment else None


def rhythm_rows(process, *, now: datetime, first: date):
    """Each active rhythm of the process with its next slot and its cadence since `first`."""
    wt = process_calendar(process).working_time()
    today = now.astimezone(wt.tz).date()
    held: dict[str, set] = {}
    # A review closed with no decision is marked, and not held: it only recited the figures.
    for level, day in Review.objects.filter(
        process=process, state="closed", no_decision=False, held_on__gte=first,
        held_on__lte=today,
    ).values_list("level", "held_on"):  # fmt: skip
        held.setdefault(level, set()).add(day)
    rows = []
    for rhythm in Rhythm.objects.filter(process=process, is_active=True):
        rows.append(
            {
                "rhythm": rhythm,
                "when": rhythm_when(rhythm),
                # The next slot in the calendar's zone: the time set reads as set, DST or not.
                "next": _local(next_slot(rhythm, wt, now), wt.tz),
                "cadence": cadence(rhythm, wt, held.get(rhythm.level, set()), first, now),
            }
        )
    return rows, wt


def agenda_rows(review: Review, agenda: dict, decisions: list[Decision]) -> dict:
    """The agenda as the review page shows it: each item with its note, its "discussed" tick,
    the decisions recorded on it and, once closed, whether it carried over (neither noted,
    ticked nor decided on); plus the items once each for the decision form's picker."""
    notes, ticked = review.notes or {}, set(review.discussed or [])
    carried = {c["key"] for c in review.carried or []}
    on_item: dict[str, list[Decision]] = {}
    for d in decisions:
        if d.item_key:
            on_item.setdefault(d.item_key, []).append(d)
    sections, choices, seen = [], [], set()
    for section in agenda.get("sections", []):
        items = []
        for i in section["items"]:
            key = i["key"]
            items.append(
                {
                    **i,
                    "note": notes.get(key, ""),
                    "discussed": key in ticked,
                    "decisions": on_item.get(key, []),
                    # Open: carried in from the last review. Closed: carried on to the next.
                    "carried": key in carried if review.is_closed else i.get("carried", False),
                }
            )
            if key not in seen:
                seen.add(key)
                choices.append((key, i["text"]))
        sections.append({**section, "items": items})
    return {"sections": sections, "choices": choices}
