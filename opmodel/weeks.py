"""The ISO week label every app writes and reads: "2026-W47"."""

from datetime import date


def iso_week(day: date) -> str:
    """The ISO week a day falls in, as its label: date(2026, 11, 18) -> "2026-W47"."""
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"
