from datetime import UTC, date, datetime, time

from processes.calendars import process_calendar
from reviews.models import Review
from reviews.selectors.rhythm import cadence, next_slot, slot_at, slot_days


def _wt(o2c):
    return process_calendar(o2c).working_time()


def test_daily_slots_are_working_days_only(o2c, rhythms):
    daily = rhythms[0]
    # Thu 2026-12-24 to Tue 2026-12-29: 25 and 26 are German public holidays, 27 a Sunday.
    days = slot_days(daily, _wt(o2c), date(2026, 12, 24), date(2026, 12, 29))
    assert days == [date(2026, 12, 24), date(2026, 12, 28), date(2026, 12, 29)]


def test_weekly_slot_on_a_holiday_moves_to_the_next_working_day(o2c, rhythms):
    weekly = rhythms[1]  # Mondays 10:00
    # Easter Monday 2027-03-29 is a holiday: that week meets on Tuesday.
    days = slot_days(weekly, _wt(o2c), date(2027, 3, 22), date(2027, 4, 5))
    assert days == [date(2027, 3, 22), date(2027, 3, 30), date(2027, 4, 5)]


def test_monthly_slot_is_the_first_tuesday(o2c, rhythms):
    monthly = rhythms[2]
    days = slot_days(monthly, _wt(o2c), date(2026, 11, 1), date(2027, 1, 31))
    assert days == [date(2026, 11, 3), date(2026, 12, 1), date(2027, 1, 5)]


def test_slot_instant_is_local_time_across_dst(o2c, rhythms):
    daily = rhythms[0]
    wt = _wt(o2c)
    assert slot_at(daily, wt, date(2026, 10, 23)) == datetime(2026, 10, 23, 7, 30, tzinfo=UTC)
    assert slot_at(daily, wt, date(2026, 10, 26)) == datetime(2026, 10, 26, 8, 30, tzinfo=UTC)


def test_next_slot_after_now(o2c, rhythms):
    weekly = rhythms[1]
    now = datetime(2026, 11, 25, 10, tzinfo=UTC)
    assert next_slot(weekly, _wt(o2c), now) == datetime(2026, 11, 30, 9, tzinfo=UTC)


def test_cadence_counts_held_and_missed(o2c, rhythms, bob):
    daily = rhythms[0]
    now = datetime(2026, 11, 25, 10, tzinfo=UTC)  # 11:00 Berlin: today's 09:30 has passed
    held = {date(2026, 11, 23), date(2026, 11, 25)}
    result = cadence(daily, _wt(o2c), held, date(2026, 11, 23), now)
    assert (result.due, result.held, result.missed_days) == (3, 2, [date(2026, 11, 24)])
    assert Review.objects.count() == 0
    early = datetime(2026, 11, 25, 8, tzinfo=UTC)  # 09:00 Berlin: today's slot is still ahead
    assert cadence(daily, _wt(o2c), held, date(2026, 11, 23), early).due == 2
    assert time(9, 30) == daily.time_of_day
