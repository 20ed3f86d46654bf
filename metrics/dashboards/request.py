"""Which process and week a request asks for, and the snapshots that show it (one query for
the twelve weeks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from metrics.flow import TRAILING_WEEKS, iso_week_bounds, last_complete_week, parse_week, week_of
from metrics.models import WeeklySnapshot
from opmodel.errors import InvalidInput
from processes.selectors import process_from_query, processes_visible_to


@dataclass
class WeekChoice:
    processes: list
    process: object | None = None
    week: str = ""
    errors: dict = field(default_factory=dict)


def week_choice(*, user, params, require_process: bool = False) -> WeekChoice:
    """The process (a slug the user may see, else 404; the first visible by default) and the
    ISO week (default: the last complete one) a request asks for; bad weeks become errors."""
    processes = list(processes_visible_to(user).select_related("calendar").order_by("name"))
    choice = WeekChoice(processes=processes)
    choice.process, errors = process_from_query(
        params, processes=processes, required=require_process
    )
    if errors and (params.get("process") or "").strip():
        raise Http404("No such process.")
    choice.errors.update(errors)
    if choice.process is None:
        return choice
    week = (params.get("week") or "").strip()
    if not week:
        choice.week = last_complete_week(choice.process)
        return choice
    try:
        parse_week(week)
        if week > week_of(choice.process, timezone.now()):
            raise InvalidInput({"week": [f"{week} has not started yet."]})
        choice.week = week
    except InvalidInput as exc:
        choice.errors.update(exc.errors)
    return choice


def snapshots_for(process, week: str) -> list[WeeklySnapshot]:
    """The week's snapshot and up to eleven before it, oldest first, in one query."""
    start, _ = iso_week_bounds(process, week)
    return list(
        reversed(
            WeeklySnapshot.objects.filter(
                process=process,
                week_start__lte=start,
                week_start__gt=start - timedelta(weeks=TRAILING_WEEKS),
            ).order_by("-week_start")
        )
    )
