"""Reads for the review pages and the API: a fixed number of queries whatever the data size."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When

from processes.calendars import process_calendar
from reviews.definitions import DecisionState
from reviews.models import Decision, Review, Rhythm
from reviews.permissions import restrict_reviews
from reviews.services.rhythm import cadence, next_slot


def reviews_visible_to(user) -> QuerySet[Review]:
    return restrict_reviews(Review.objects.select_related("process", "facilitator"), user)


def decisions_visible_to(user) -> QuerySet[Decision]:
    return restrict_reviews(
        Decision.objects.select_related("owner", "review", "process", "key_result"), user
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


def rhythm_rows(process, *, now: datetime, first: date):
    """Each active rhythm of the process with its next slot and its cadence since `first`."""
    wt = process_calendar(process).working_time()
    today = now.astimezone(wt.tz).date()
    held: dict[str, set] = {}
    for level, day in Review.objects.filter(
        process=process, state="closed", held_on__gte=first, held_on__lte=today
    ).values_list("level", "held_on"):
        held.setdefault(level, set()).add(day)
    rows = []
    for rhythm in Rhythm.objects.filter(process=process, is_active=True):
        rows.append(
            {
                "rhythm": rhythm,
                "next": next_slot(rhythm, wt, now),
                "cadence": cadence(rhythm, wt, held.get(rhythm.level, set()), first, now),
            }
        )
    return rows, wt
