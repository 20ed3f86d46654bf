"""ISO weeks in a process calendar's time zone: the unit of the weekly flow metrics."""

import re
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from opmodel.errors import InvalidInput
from opmodel.weeks import iso_week
from processes.calendars import process_zone

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
# Weeks whose trailing windows (12 weeks, 30 days) and time-zone conversions stay inside Python's
# calendar (year 1 to 9999): 0001-W01 in Berlin starts in year 0 in UTC.
FIRST_YEAR, LAST_YEAR = 1900, 9998


def parse_week(week: str) -> tuple[int, int]:
    """'2026-W47' -> (2026, 47), or InvalidInput saying what a week looks like."""
    match = WEEK_RE.match((week or "").strip())
    if match:
        year, number = int(match[1]), int(match[2])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidInput(
                {"week": [f"Choose a week of the years {FIRST_YEAR} to {LAST_YEAR}."]}
            )
        try:
            date.fromisocalendar(year, number, 1)
            return year, number
        except ValueError:
            raise InvalidInput(
                {"week": [f"{year} has no ISO week {number}: weeks run from W01 to W52 or W53."]}
            ) from None
    raise InvalidInput({"week": [f"“{(week or '')[:20]}” is not an ISO week such as 2026-W47."]})


def iso_week_bounds(process, week: str) -> tuple[datetime, datetime]:
    """'2026-W47' -> [Monday 00:00, next Monday 00:00) in the process calendar's time zone, as
    aware UTC datetimes. Local midnight exists on every day in the zones we run (DST changes
    happen at night, not at 00:00), so the week is 167, 168 or 169 real hours long."""
    year, number = parse_week(week)
    zone = process_zone(process)
    monday = date.fromisocalendar(year, number, 1)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def week_of(process, at: datetime) -> str:
    """The ISO week (in the process's zone) that an instant falls in."""
    return iso_week(at.astimezone(process_zone(process)).date())


def week_shift(week: str, weeks: int) -> str:
    year, number = parse_week(week)
    return iso_week(date.fromisocalendar(year, number, 1) + timedelta(weeks=weeks))


def last_complete_week(process, now: datetime | None = None) -> str:
    return week_shift(week_of(process, now or timezone.now()), -1)


def day_ends(process, start: datetime) -> list[datetime]:
    """The seven local midnights that end the days of the week starting at `start`, in UTC."""
    zone = process_zone(process)
    monday = start.astimezone(zone).date()
    return [
        datetime.combine(monday + timedelta(days=k), time(0), tzinfo=zone).astimezone(UTC)
        for k in range(1, 8)
    ]
