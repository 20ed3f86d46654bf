"""A rhythm's slots on its process's business calendar, and which were held on time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from processes.business_time import WorkingTime
from processes.selectors import process_participants
from reviews.definitions import Level
from reviews.models import Rhythm


def is_working_day(wt: WorkingTime, day: date) -> bool:
    return day.isoweekday() in wt.working_days and day not in wt.holidays


def _next_working(wt: WorkingTime, day: date) -> date:
    # A working day comes at least once a week past the last holiday, so this ends.
    while not is_working_day(wt, day):
        day += timedelta(days=1)
    return day


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.isoweekday()) % 7
    return first + timedelta(days=offset + 7 * (nth - 1))


def slot_days(rhythm: Rhythm, wt: WorkingTime, first: date, last: date) -> list[date]:
    """The days in [first, last] the rhythm meets (a slot on a day off moves to the next
    working day, and stays in the range only if that day is)."""
    days: list[date] = []
    if rhythm.level == Level.DAILY:
        day = first
        while day <= last:
            if is_working_day(wt, day):
                days.append(day)
            day += timedelta(days=1)
        return days
    if rhythm.level == Level.WEEKLY:
        day = first + timedelta(days=(rhythm.weekday - first.isoweekday()) % 7)
        # A week's slot moved back into range from the week before `first` is counted too.
        day -= timedelta(weeks=1)
        while day <= last:
            moved = _next_working(wt, day)
            if first <= moved <= last:
                days.append(moved)
            day += timedelta(weeks=1)
        return sorted(set(days))
    year, month = first.year, first.month
    if first.day <= 7:  # the previous month's slot may have moved into this one
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    while date(year, month, 1) <= last:
        moved = _next_working(wt, _nth_weekday(year, month, rhythm.weekday, rhythm.nth))
        if first <= moved <= last:
            days.append(moved)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(set(days))


DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NTH = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}


def rhythm_when(rhythm: Rhythm) -> str:
    """The schedule in words: "Working days at 09:30", "Mondays at 10:00", "1st Tuesday of
    the month at 10:00" (local time on the process's calendar)."""
    at = f"at {rhythm.time_of_day:%H:%M}"
    if rhythm.level == Level.DAILY:
        return f"Working days {at}"
    day = DAY_NAMES[(rhythm.weekday or 1) - 1]
    if rhythm.level == Level.WEEKLY:
        return f"{day}s {at}"
    return f"{NTH.get(rhythm.nth, rhythm.nth)} {day} of the month {at}"


def slot_at(rhythm: Rhythm, wt: WorkingTime, day: date) -> datetime:
    """The slot's instant in UTC: the local time of day on the calendar's zone (on a DST change
    day a wall time in the gap reads as the later offset, as zoneinfo does)."""
    return datetime.combine(day, rhythm.time_of_day, tzinfo=wt.tz).astimezone(UTC)


def next_slot(rhythm: Rhythm, wt: WorkingTime, now: datetime) -> datetime | None:
    today = now.astimezone(wt.tz).date()
    for day in slot_days(rhythm, wt, today, today + timedelta(days=70)):
        at = slot_at(rhythm, wt, day)
        if at >= now or day == today:
            return at
    return None


@dataclass
class Cadence:
    """A rhythm's slots over a span: how many were due, held on time, missed."""

    level: str
    due: int
    held: int
    missed_days: list[date]

    @property
    def share(self) -> float | None:
        return self.held / self.due if self.due else None


def cadence(
    rhythm: Rhythm, wt: WorkingTime, held_days: set[date], first: date, now: datetime
) -> Cadence:
    """Slots from `first` up to now whose instant has passed; held when a review of the level
    was closed on the slot's day."""
    today = now.astimezone(wt.tz).date()
    slots = [day for day in slot_days(rhythm, wt, first, today) if slot_at(rhythm, wt, day) <= now]
    held = [day for day in slots if day in held_days]
    return Cadence(
        level=rhythm.level,
        due=len(slots),
        held=len(held),
        missed_days=[day for day in slots if day not in held_days],
    )


LEVEL_ORDER = {Level.DAILY: 0, Level.WEEKLY: 1, Level.MONTHLY: 2}


def process_rhythms(processes) -> dict[int, list[dict]]:
    """The rhythm of each process as its rules of the game show it (registered with
    processes.summaries as "rhythm"): per active level, when (in words and as set: local time,
    weekday, n-th), how long, the facilitating role and who holds it. Two queries."""
    ids = [process.pk for process in processes]
    holders = process_participants(ids)
    rows: dict[int, list[dict]] = {}
    rhythms = Rhythm.objects.filter(process_id__in=ids, is_active=True)
    for rhythm in sorted(rhythms, key=lambda r: (r.process_id, LEVEL_ORDER.get(r.level, 9))):
        rows.setdefault(rhythm.process_id, []).append(
            {
                "level": rhythm.level,
                "when": rhythm_when(rhythm),
                "time_of_day": rhythm.time_of_day.isoformat(timespec="minutes"),
                "weekday": rhythm.weekday if rhythm.level != Level.DAILY else None,
                "nth": rhythm.nth if rhythm.level == Level.MONTHLY else None,
                "duration_minutes": rhythm.duration_minutes,
                "facilitator_role": rhythm.facilitator_kind,
                "facilitators": [
                    held["user"]
                    for held in holders.get(rhythm.process_id, [])
                    if held["role"] == rhythm.facilitator_kind
                ],
            }
        )
    return rows
