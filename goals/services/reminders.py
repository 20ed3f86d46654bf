"""When a key result's check-in falls overdue, and the claim that reminds its owner once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Max, Q

from goals.definitions import CADENCE_DAYS, REMINDER_GRACE_BUSINESS_DAYS, GoalState
from goals.models import CheckInReminder, KeyResult
from opmodel.claims import claim
from processes.calendars import process_calendar


class WorkingTimes:
    """Each process calendar's WorkingTime, built once per call (holidays prefetched)."""

    def __init__(self):
        self._by_calendar = {}

    def of(self, process):
        # Keyed by the process's own calendar id: processes without one share the standard
        # calendar, which costs one query the first time only.
        if process.calendar_id not in self._by_calendar:
            self._by_calendar[process.calendar_id] = process_calendar(process).working_time()
        return self._by_calendar[process.calendar_id]


def check_in_due(*, key_result: KeyResult, last_check_in: datetime | None, working_times):
    """When the key result's check-in falls overdue: its cadence after the last check-in (or
    after the later of the period's start and the key result's creation), plus 2 business
    days of its process's calendar. None when the goal has no cadence."""
    goal = key_result.goal
    if not goal.cadence:
        return None
    wt = working_times.of(key_result.process)
    if last_check_in is None:
        start = datetime.combine(goal.starts_on, datetime.min.time(), tzinfo=wt.tz)
        last_check_in = max(start, key_result.created_at)
    day = datetime.combine(date(2000, 1, 3), wt.day_end) - datetime.combine(
        date(2000, 1, 3), wt.day_start
    )
    grace = REMINDER_GRACE_BUSINESS_DAYS * day.total_seconds()
    return wt.add(last_check_in + timedelta(days=CADENCE_DAYS[goal.cadence]), grace)


def key_results_to_check_in(*, today: date):
    """Key results of active goals in their period (targets until their deadline), with each
    one's last check-in (`last_check_in`), goal, owner and process calendar: three queries."""
    return (
        KeyResult.objects.filter(
            goal__state=GoalState.ACTIVE,
            goal__starts_on__lte=today,
            goal__ends_on__gte=today,
        )
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
        .exclude(goal__cadence="")
        .select_related("goal__owner__notification_preference", "process__calendar")
        .prefetch_related("process__calendar__holidays")
        .annotate(last_check_in=Max("check_ins__created_at"))
    )


def reminders_claim(*, key_result_ids: set[int], now: datetime) -> list[int]:
    """Mark the reminders not yet sent as sent; return the ids this call marked. The
    conditional UPDATE is the claim (opmodel.claims): of two scans, one sends."""
    rows = CheckInReminder.objects.filter(key_result_id__in=sorted(key_result_ids))
    return claim(rows, stamp="notified_at", at=now)
