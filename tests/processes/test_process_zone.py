"""A process's time zone is its calendar row's, read the same way by pages, weeks and the API."""

from zoneinfo import ZoneInfo

from metrics.weeks import week_of
from processes.calendars import process_zone
from processes.definition import process_zone_name
from processes.models import BusinessCalendar
from processes.templatetags.process_ui import process_zone as process_zone_filter


def test_a_process_without_a_calendar_follows_the_standard_row_an_admin_edits(o2c):
    o2c.calendar = None
    o2c.save()
    standard = BusinessCalendar.objects.standard()
    standard.timezone = "Pacific/Auckland"
    standard.save()
    o2c.refresh_from_db()
    assert process_zone_name(o2c) == "Pacific/Auckland"
    assert process_zone_filter(o2c) == "Pacific/Auckland"
    assert process_zone(o2c) == ZoneInfo("Pacific/Auckland")


def test_a_process_with_its_own_calendar_reads_that_row(o2c):
    o2c.calendar = BusinessCalendar.objects.create(
        name="New York office", timezone="America/New_York"
    )
    o2c.save()
    o2c.refresh_from_db()
    assert process_zone_filter(o2c) == "America/New_York"
    assert process_zone(o2c) == ZoneInfo("America/New_York")


def test_the_week_of_an_instant_is_counted_in_the_process_zone(o2c):
    from datetime import UTC, datetime

    sunday_late_utc = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # Monday 09:00 in Auckland
    o2c.calendar = None
    o2c.save()
    o2c.refresh_from_db()
    assert week_of(o2c, sunday_late_utc) == "2026-W47"
    standard = BusinessCalendar.objects.standard()
    standard.timezone = "Pacific/Auckland"
    standard.save()
    o2c.refresh_from_db()
    assert week_of(o2c, sunday_late_utc) == "2026-W48"
