"""Business calendars: a time zone, working days and hours, and days off, as rows.

Their arithmetic (deadlines, elapsed business time) is processes/business_time.py.
"""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holiday_lib
from django.core.exceptions import ValidationError
from django.db import models

from processes.business_time import WorkingTime

STANDARD_CALENDAR_NAME = "Standard office hours"
STANDARD_CALENDAR = {
    "timezone": "Europe/Berlin",
    "working_days": [1, 2, 3, 4, 5],
    "day_start": time(9),
    "day_end": time(18),
    "holiday_country": "DE",
    "holiday_subdivision": "",
}
WEEKDAYS = [
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
]


def default_working_days() -> list[int]:
    return [1, 2, 3, 4, 5]


# Callables, not time(9) / time(18): Django's fields.W161 compares a fixed time default with the
# clock and warns within ten seconds of it, so `check --deploy` would fail at 09:00 and 18:00.
def default_day_start() -> time:
    return time(9)


def default_day_end() -> time:
    return time(18)


class BusinessCalendarManager(models.Manager):
    def standard(self) -> BusinessCalendar:
        """The calendar of processes that name none (made by a data migration; remade if gone)."""
        calendar, _ = self.get_or_create(name=STANDARD_CALENDAR_NAME, defaults=STANDARD_CALENDAR)
        return calendar


class BusinessCalendar(models.Model):
    name = models.CharField(max_length=120, unique=True)
    timezone = models.CharField(
        max_length=64, default="Europe/Berlin", help_text="IANA name, e.g. Europe/Berlin."
    )
    working_days = models.JSONField(
        default=default_working_days, help_text="ISO weekdays: 1 is Monday, 7 is Sunday."
    )
    day_start = models.TimeField(default=default_day_start, help_text="Local opening time.")
    day_end = models.TimeField(default=default_day_end, help_text="Local closing time.")
    holiday_country = models.CharField(
        max_length=3,
        blank=True,
        help_text="ISO code whose public holidays are days off, e.g. DE or US. Blank: none.",
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="A state or region of that country, e.g. BY."
    )

    objects = BusinessCalendarManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = f"“{self.timezone}” is not a known IANA time zone."
        days = self.working_days
        if (
            not isinstance(days, list)
            or not days
            or not all(type(d) is int and 1 <= d <= 7 for d in days)
            or len(set(days)) != len(days)
        ):
            errors["working_days"] = (
                "Give at least one working day, as distinct ISO weekdays from 1 (Monday) "
                "to 7 (Sunday)."
            )
        if self.day_start is not None and self.day_end is not None:
            if self.day_end <= self.day_start:
                errors["day_end"] = "The day must end after it starts."
        supported = holiday_lib.list_supported_countries()
        if self.holiday_country and self.holiday_country not in supported:
            errors["holiday_country"] = (
                f"“{self.holiday_country}” is not a country the holidays library knows."
            )
        elif self.holiday_subdivision:
            if not self.holiday_country:
                errors["holiday_subdivision"] = "A subdivision needs a country."
            elif self.holiday_subdivision not in supported[self.holiday_country]:
                errors["holiday_subdivision"] = (
                    f"“{self.holiday_subdivision}” is not a subdivision of "
                    f"{self.holiday_country}: use one of "
                    f"{', '.join(supported[self.holiday_country])}."
                )
        if errors:
            raise ValidationError(errors)

    def working_time(self, years: range | None = None) -> WorkingTime:
        return WorkingTime.for_calendar(self, years)


class Holiday(models.Model):
    """A day off for one calendar beyond the country's public holidays (e.g. a company day)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["calendar_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"
