"""Exact business-time arithmetic, without the database.

A business calendar (processes/models/calendars.py) says when work happens: a time zone, working
weekdays, one daily window of local wall-clock hours, the public holidays of a country (from the
`holidays` library) and manual holiday rows. `WorkingTime` is its pure, database-free form; the
SLA clock computes deadlines with `add` and elapsed business time with `between`.

Each working day's window is built from local wall-clock times and converted to UTC, so all
sums are of real elapsed seconds. Where that differs from the wall clock (a window that
contains a daylight-saving change) is spelled out in `WorkingTime._instant`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_lib
from django.utils import timezone

ONE_DAY = timedelta(days=1)


@functools.lru_cache(maxsize=64)
def public_holidays(country: str, subdivision: str, years: tuple[int, ...]) -> frozenset[date]:
    """A country's public holidays from the `holidays` library (cached: it builds them by rule)."""
    return frozenset(holiday_lib.country_holidays(country, subdiv=subdivision or None, years=years))


@dataclass(frozen=True)
class WorkingTime:
    """Business time of one calendar, without the database.

    All methods take aware datetimes in any zone and return UTC. A working day's window is
    [day_start, day_end) in local wall-clock time of `tz`, on a weekday in `working_days` (ISO,
    1 is Monday) that is not in `holidays`.
    """

    tz: ZoneInfo
    working_days: frozenset[int]
    day_start: time
    day_end: time
    holidays: frozenset[date] = frozenset()

    def __post_init__(self):
        if not self.working_days:
            raise ValueError("A business calendar needs at least one working day.")
        if not self.working_days <= set(range(1, 8)):
            raise ValueError("Working days are ISO weekdays from 1 (Monday) to 7 (Sunday).")
        if self.day_end <= self.day_start:
            raise ValueError("The working day must end after it starts.")

    @classmethod
    def for_calendar(cls, calendar, years: range | None = None) -> WorkingTime:
        """Build from a calendar row: its country's public holidays for `years` (by default
        last year to two years ahead) plus its own Holiday rows (none if it is unsaved).

        Reads `calendar.holidays.all()`, so prefetch it when building many."""
        if years is None:
            this_year = timezone.now().year
            years = range(this_year - 1, this_year + 3)
        days_off: set[date] = set()
        if calendar.holiday_country:
            days_off |= public_holidays(
                calendar.holiday_country, calendar.holiday_subdivision, tuple(years)
            )
        if calendar.pk is not None:
            days_off.update(holiday.date for holiday in calendar.holidays.all())
        return cls(
            tz=ZoneInfo(calendar.timezone),
            working_days=frozenset(calendar.working_days),
            day_start=calendar.day_start,
            day_end=calendar.day_end,
            holidays=frozenset(days_off),
        )

    def is_working(self, at: datetime) -> bool:
        at = _as_utc(at)
        window = self._window(at.astimezone(self.tz).date())
        return window is not None and window[0] <= at < window[1]

    def add(self, start: datetime, seconds: int | float) -> datetime:
        """The earliest instant by which `seconds` of business time have passed since `start`.

        Outside working hours the clock starts at the next opening; an amount that ends
        exactly at a closing returns that closing, not the next opening.
        """
        if seconds < 0:
            raise ValueError("Cannot add a negative business time.")
        at = _as_utc(start)
        remaining = timedelta(seconds=seconds)
        if not remaining:
            return at
        # One step per calendar day, and a working window comes at least once a week past the
        # last holiday, so this ends; 1,000 business hours are about 150 steps. Whole weeks are
        # not skipped: with holidays and DST changes a week's length is only known by walking
        # its days, which is what this does anyway.
        day = at.astimezone(self.tz).date()
        while True:
            window = self._window(day)
            if window is not None:
                opens, closes = max(window[0], at), window[1]
                if remaining <= closes - opens:
                    return opens + remaining
                if closes > opens:
                    remaining -= closes - opens
            day += ONE_DAY

    def between(self, start: datetime, end: datetime) -> int:
        """Whole seconds of business time in [start, end); 0 if end is not after start."""
        start, end = _as_utc(start), _as_utc(end)
        if end <= start:
            return 0
        total = timedelta()
        last_day = end.astimezone(self.tz).date()
        for day in _days(start.astimezone(self.tz).date(), last_day):
            window = self._window(day)
            if window is not None:
                opens, closes = max(window[0], start), min(window[1], end)
                if closes > opens:
                    total += closes - opens
        return total // timedelta(seconds=1)

    def working_window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of a local date as UTC instants, or None on a day off."""
        return self._window(day)

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of a local date as UTC instants, or None on a day off."""
        if day.isoweekday() not in self.working_days or day in self.holidays:
            return None
        return self._instant(day, self.day_start), self._instant(day, self.day_end)

    def _instant(self, day: date, wall: time) -> datetime:
        """The UTC instant at which the local clock of `day` reads `wall`.

        DST: the window is local wall-clock time, so its real length is what the clocks do
        in it. 09:00-18:00 in Europe/Berlin is 9 real hours on both change days (the clocks
        move at night), but a 00:00-06:00 night shift is 5 real hours on 2026-03-29 (02:00
        jumps to 03:00) and 7 on 2026-10-25 (03:00 falls back to 02:00), and business time is
        counted in real seconds. A wall time that occurs twice (fall back) is its first
        occurrence (fold=0). A wall time that never occurs (in the spring-forward gap) is the
        instant the clocks jump: Python's own reading of such a time would move an opening in
        the gap an hour later than a closing just after it, and windows would shrink below
        zero.
        """
        local = datetime.combine(day, wall, tzinfo=self.tz)
        instant = local.astimezone(UTC)
        if instant.astimezone(self.tz).replace(tzinfo=None) == local.replace(tzinfo=None):
            return instant
        # In a gap, fold=1 reads the time with the offset after the change, which gives an
        # instant before the change; fold=0 gives one after it. Bisect to the change itself.
        before, after = local.replace(fold=1).astimezone(UTC), instant
        offset_before = before.astimezone(self.tz).utcoffset()
        while after - before > timedelta(microseconds=1):
            middle = before + (after - before) / 2
            if middle.astimezone(self.tz).utcoffset() == offset_before:
                before = middle
            else:
                after = middle
        return after


def _as_utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("Business-time arithmetic needs aware datetimes.")
    return at.astimezone(UTC)


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY
