"""Business calendars: exact business-time arithmetic, validation, admin and the default calendar.

Inputs are written in local time of the calendar, expected instants in UTC with the local
reading beside them, so a reader can check each line against a wall calendar.
"""

import importlib
import time as stopwatch
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from hypothesis import given, settings
from hypothesis import strategies as st

from processes.business_time import WorkingTime
from processes.calendars import process_calendar
from processes.models import BusinessCalendar, Holiday, Process
from processes.models.calendars import STANDARD_CALENDAR, STANDARD_CALENDAR_NAME

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600
YEARS = range(2025, 2028)

# Mon-Fri 09:00-18:00 Europe/Berlin with Germany's public holidays, built without the database.
STANDARD = WorkingTime.for_calendar(
    BusinessCalendar(name="Standard", **STANDARD_CALENDAR), years=YEARS
)
# Every day 00:00-06:00 in Berlin: both DST changes fall inside its window.
NIGHT_SHIFT = WorkingTime(
    tz=BERLIN, working_days=frozenset(range(1, 8)), day_start=time(0), day_end=time(6)
)
# Opens at 02:30, a wall time that does not exist on 2026-03-29.
OPENS_IN_GAP = WorkingTime(
    tz=BERLIN, working_days=frozenset(range(1, 8)), day_start=time(2, 30), day_end=time(6)
)


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


ADD_CASES = [
    # id, start, business seconds, expected (UTC)
    ("within_a_day", berlin(2026, 6, 16, 10), 3 * HOUR, datetime(2026, 6, 16, 11, tzinfo=UTC)),
    ("up_to_closing", berlin(2026, 6, 16, 17), 1 * HOUR, datetime(2026, 6, 16, 16, tzinfo=UTC)),
    ("across_the_night", berlin(2026, 6, 16, 17), 2 * HOUR, datetime(2026, 6, 17, 8, tzinfo=UTC)),
    ("across_a_weekend", berlin(2026, 6, 12, 16), 4 * HOUR, datetime(2026, 6, 15, 9, tzinfo=UTC)),
    (
        "friday_evening_one_hour",  # 30 min on Friday, 30 on Monday: Mon 09:30 CEST
        berlin(2026, 6, 12, 17, 30),
        1 * HOUR,
        datetime(2026, 6, 15, 7, 30, tzinfo=UTC),
    ),
    (
        "friday_after_closing",  # Mon 10:00 CEST
        berlin(2026, 6, 12, 19),
        1 * HOUR,
        datetime(2026, 6, 15, 8, tzinfo=UTC),
    ),
    ("starting_saturday", berlin(2026, 6, 13, 11), 2 * HOUR, datetime(2026, 6, 15, 9, tzinfo=UTC)),
    ("before_opening", berlin(2026, 6, 16, 7), 1 * HOUR, datetime(2026, 6, 16, 8, tzinfo=UTC)),
    ("after_closing", berlin(2026, 6, 16, 18, 30), 1 * HOUR, datetime(2026, 6, 17, 8, tzinfo=UTC)),
    (
        "fractional_seconds",
        berlin(2026, 6, 16, 10),
        90.5,
        datetime(2026, 6, 16, 8, 1, 30, 500000, tzinfo=UTC),
    ),
    (
        "zero_outside_hours_is_the_start",
        berlin(2026, 6, 13, 11),
        0,
        datetime(2026, 6, 13, 9, tzinfo=UTC),
    ),
    (
        "start_in_another_zone",  # 03:00 in New York is 09:00 in Berlin
        datetime(2026, 6, 16, 3, tzinfo=NEW_YORK),
        1 * HOUR,
        datetime(2026, 6, 16, 8, tzinfo=UTC),
    ),
    (
        "christmas_public_holidays",  # Fri 25th a holiday, Sat 26th too: Mon 28th 10:00 CET
        berlin(2026, 12, 24, 17),
        2 * HOUR,
        datetime(2026, 12, 28, 9, tzinfo=UTC),
    ),
    (
        "easter_good_friday_and_monday",  # Tue 7 April 10:00 CEST
        berlin(2026, 4, 2, 17),
        2 * HOUR,
        datetime(2026, 4, 7, 8, tzinfo=UTC),
    ),
    (
        "dst_spring_forward_weekend",  # Fri 17:00 CET, Mon 10:00 CEST
        berlin(2026, 3, 27, 17),
        2 * HOUR,
        datetime(2026, 3, 30, 8, tzinfo=UTC),
    ),
    (
        "dst_fall_back_weekend",  # Fri 17:00 CEST, Mon 10:00 CET
        berlin(2026, 10, 23, 17),
        2 * HOUR,
        datetime(2026, 10, 26, 9, tzinfo=UTC),
    ),
    (
        "dst_spring_forward_full_days",  # Fri 9 h + Mon 9 h: Mon 18:00 CEST
        berlin(2026, 3, 27, 9),
        18 * HOUR,
        datetime(2026, 3, 30, 16, tzinfo=UTC),
    ),
    (
        "500_business_hours",  # 55 days + 5 h from 5 January: Mon 23 March 14:00 CET
        berlin(2026, 1, 5, 9),
        500 * HOUR,
        datetime(2026, 3, 23, 13, tzinfo=UTC),
    ),
    (
        "1000_business_hours",  # past DST, Easter, 1 May, Ascension, Whit Monday: 16 June 10:00
        berlin(2026, 1, 5, 9),
        1000 * HOUR,
        datetime(2026, 6, 16, 8, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(
    ("start", "seconds", "expected"), [c[1:] for c in ADD_CASES], ids=[c[0] for c in ADD_CASES]
)
def test_add_on_standard_office_hours(start, seconds, expected):
    due = STANDARD.add(start, seconds)
    assert due == expected
    assert due.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "seconds"), [c[1:3] for c in ADD_CASES], ids=[c[0] for c in ADD_CASES]
)
def test_between_is_the_inverse_of_add(start, seconds):
    assert STANDARD.between(start, STANDARD.add(start, seconds)) == int(seconds)


BETWEEN_CASES = [
    # id, start, end, business seconds
    ("same_day", berlin(2026, 6, 16, 10), berlin(2026, 6, 16, 13), 3 * HOUR),
    ("over_a_weekend", berlin(2026, 6, 12, 16), berlin(2026, 6, 15, 11), 4 * HOUR),
    ("end_before_start", berlin(2026, 6, 16, 13), berlin(2026, 6, 16, 10), 0),
    ("empty_interval", berlin(2026, 6, 16, 13), berlin(2026, 6, 16, 13), 0),
    ("weekend_only", berlin(2026, 6, 13, 0), berlin(2026, 6, 15, 0), 0),
    ("outside_hours_both_ends", berlin(2026, 6, 15, 7), berlin(2026, 6, 16, 20), 18 * HOUR),
    ("ordinary_week", berlin(2026, 6, 15), berlin(2026, 6, 22), 45 * HOUR),
    ("christmas_week", berlin(2026, 12, 21), berlin(2026, 12, 28), 36 * HOUR),
    ("easter_week", berlin(2026, 3, 30), berlin(2026, 4, 6), 36 * HOUR),
    ("dst_spring_forward_week", berlin(2026, 3, 23), berlin(2026, 3, 30), 45 * HOUR),
    ("dst_fall_back_week", berlin(2026, 10, 19), berlin(2026, 10, 26), 45 * HOUR),
    (
        "mixed_zones",  # 09:00 CEST to 12:00 CEST
        datetime(2026, 6, 16, 7, tzinfo=UTC),
        datetime(2026, 6, 16, 6, tzinfo=NEW_YORK),
        3 * HOUR,
    ),
    (
        "whole_seconds_floored",
        berlin(2026, 6, 16, 10),
        berlin(2026, 6, 16, 10, 0, 1, 999999),
        1,
    ),
]


@pytest.mark.parametrize(
    ("start", "end", "expected"), [c[1:] for c in BETWEEN_CASES], ids=[c[0] for c in BETWEEN_CASES]
)
def test_between_on_standard_office_hours(start, end, expected):
    assert STANDARD.between(start, end) == expected


IS_WORKING_CASES = [
    ("at_opening", berlin(2026, 6, 16, 9), True),
    ("just_before_opening", berlin(2026, 6, 16, 8, 59, 59), False),
    ("just_before_closing", berlin(2026, 6, 16, 17, 59, 59), True),
    ("at_closing", berlin(2026, 6, 16, 18), False),
    ("saturday", berlin(2026, 6, 13, 12), False),
    ("christmas_day", berlin(2026, 12, 25, 12), False),
    ("utc_input_at_local_opening", datetime(2026, 6, 16, 7, tzinfo=UTC), True),
]


@pytest.mark.parametrize(
    ("at", "expected"), [c[1:] for c in IS_WORKING_CASES], ids=[c[0] for c in IS_WORKING_CASES]
)
def test_is_working(at, expected):
    assert STANDARD.is_working(at) is expected


# The night shift works 00:00-06:00 every day: on 2026-03-29 the clocks jump 02:00 -> 03:00
# inside the window (5 real hours), on 2026-10-25 they fall back 03:00 -> 02:00 (7 real hours).
# Business time is real time, so the wall-clock reading of a deadline moves by that hour.
NIGHT_SHIFT_CASES = [
    (
        "spring_forward_day_is_5_hours",  # 5 h on the 29th, then 1 h from Mon 00:00 CEST
        berlin(2026, 3, 29),
        6 * HOUR,
        datetime(2026, 3, 29, 23, tzinfo=UTC),
    ),
    (
        "fall_back_day_is_7_hours",  # 05:00 CET on the wall, not 06:00
        berlin(2026, 10, 25),
        6 * HOUR,
        datetime(2026, 10, 25, 4, tzinfo=UTC),
    ),
    (
        "ordinary_day_is_6_hours",
        berlin(2026, 6, 16),
        6 * HOUR,
        datetime(2026, 6, 16, 4, tzinfo=UTC),
    ),
    (
        "across_the_jump",  # 01:30 CET + 1 h = 03:30 CEST
        berlin(2026, 3, 29, 1, 30),
        1 * HOUR,
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    ),
    (
        "across_the_repeated_hour",  # 01:30 CEST + 2 h = 02:30 CET, the second one
        berlin(2026, 10, 25, 1, 30),
        2 * HOUR,
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(
    ("start", "seconds", "expected"),
    [c[1:] for c in NIGHT_SHIFT_CASES],
    ids=[c[0] for c in NIGHT_SHIFT_CASES],
)
def test_night_shift_spanning_dst_counts_real_seconds(start, seconds, expected):
    assert NIGHT_SHIFT.add(start, seconds) == expected
    assert NIGHT_SHIFT.between(start, expected) == seconds


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 29), 5 * HOUR),
        (date(2026, 10, 25), 7 * HOUR),
        (date(2026, 6, 16), 6 * HOUR),
    ],
    ids=["spring_forward", "fall_back", "ordinary"],
)
def test_night_shift_day_length(day, expected):
    start = datetime.combine(day, time(0), tzinfo=BERLIN)
    assert NIGHT_SHIFT.between(start, start + timedelta(days=1)) == expected


def test_opening_in_the_spring_forward_gap_opens_when_the_clocks_jump():
    # 02:30 never shows on 2026-03-29: the window starts at 03:00 CEST (01:00 UTC), 3 h long.
    day_start = datetime(2026, 3, 29, 0, tzinfo=UTC)
    assert OPENS_IN_GAP.between(day_start, day_start + timedelta(hours=12)) == 3 * HOUR
    assert not OPENS_IN_GAP.is_working(datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC))
    assert OPENS_IN_GAP.is_working(datetime(2026, 3, 29, 1, tzinfo=UTC))
    # In the autumn it opens at the first 02:30 (CEST) and stays open through the repeat.
    autumn = datetime(2026, 10, 24, 12, tzinfo=UTC)
    assert OPENS_IN_GAP.add(autumn, 1) == datetime(2026, 10, 25, 0, 30, 1, tzinfo=UTC)
    assert OPENS_IN_GAP.between(autumn, autumn + timedelta(days=1)) == 4 * HOUR + 30 * 60


def test_large_additions_are_fast():
    started = stopwatch.perf_counter()
    for _ in range(20):
        STANDARD.add(berlin(2026, 1, 5, 9), 1000 * HOUR)
    # One step per calendar day: ~1 ms each; a per-minute walk would take seconds.
    assert stopwatch.perf_counter() - started < 1.0


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(ValueError, match="at least one working day"):
        WorkingTime(tz=BERLIN, working_days=frozenset(), day_start=time(9), day_end=time(18))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"working_days": frozenset({0, 8})}, "ISO weekdays"),
        ({"day_end": time(8)}, "end after it starts"),
    ],
    ids=["weekday_out_of_range", "end_before_start"],
)
def test_working_time_refuses_bad_rules(fields, message):
    rules = {"tz": BERLIN, "working_days": frozenset({1}), "day_start": time(9)}
    rules["day_end"] = time(18)
    with pytest.raises(ValueError, match=message):
        WorkingTime(**(rules | fields))


def test_naive_datetimes_and_negative_amounts_are_refused():
    with pytest.raises(ValueError, match="aware"):
        STANDARD.add(datetime(2026, 6, 16, 10), HOUR)
    with pytest.raises(ValueError, match="aware"):
        STANDARD.between(datetime(2026, 6, 16, 10), berlin(2026, 6, 16, 11))
    with pytest.raises(ValueError, match="negative"):
        STANDARD.add(berlin(2026, 6, 16, 10), -1)


# Properties, against an independent count: step through the interval in quarter hours and ask
# the local wall clock whether each is working time. Opening and closing times avoid 01:00-03:59,
# where the zones below change their clocks (the rule for times in a gap or repeated hour is
# pinned by the examples above).
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
QUARTER = timedelta(minutes=15)
quarter_times = st.builds(
    time, st.sampled_from([0, *range(4, 24)]), st.sampled_from([0, 15, 30, 45])
)


@st.composite
def working_times(draw) -> WorkingTime:
    # Midnight openings often, so that windows contain the clock changes (at 02:00 or 03:00).
    times = st.one_of(st.sampled_from([time(0), time(6), time(9), time(18)]), quarter_times)
    start, end = sorted(draw(st.lists(times, min_size=2, max_size=2, unique=True)))
    days_off = draw(st.frozensets(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=5))
    return WorkingTime(
        tz=ZoneInfo(draw(st.sampled_from(ZONES))),
        working_days=draw(st.frozensets(st.integers(1, 7), min_size=1)),
        day_start=start,
        day_end=end,
        holidays=days_off,
    )


# Days around the 2026 clock changes of those zones, so that most intervals cross one.
DST_CHANGE_DAYS = [
    day - timedelta(days=back)
    for day in [
        date(2026, 3, 8),  # New York
        date(2026, 3, 29),  # Berlin
        date(2026, 4, 5),  # Lord Howe
        date(2026, 10, 4),  # Lord Howe
        date(2026, 10, 25),  # Berlin
        date(2026, 11, 1),  # New York
    ]
    for back in range(3)
]
instants = st.builds(
    lambda day, quarters: datetime.combine(day, time(0), tzinfo=UTC) + quarters * QUARTER,
    st.one_of(st.sampled_from(DST_CHANGE_DAYS), st.dates(date(2026, 1, 1), date(2026, 12, 31))),
    st.integers(0, 95),
)


def counted_by_wall_clock(rules: WorkingTime, start: datetime, end: datetime) -> int:
    seconds, at = 0, start
    while at < end:
        local = at.astimezone(rules.tz)
        if (
            local.isoweekday() in rules.working_days
            and local.date() not in rules.holidays
            and rules.day_start <= local.time() < rules.day_end
        ):
            seconds += 15 * 60
        at += QUARTER
    return seconds


@settings(max_examples=150, deadline=None)
@given(rules=working_times(), start=instants, quarters=st.integers(0, 4 * 96))
def test_between_matches_a_wall_clock_count(rules, start, quarters):
    end = start + quarters * QUARTER
    assert rules.between(start, end) == counted_by_wall_clock(rules, start, end)


@settings(max_examples=300, deadline=None)
@given(rules=working_times(), start=instants, seconds=st.integers(1, 300 * HOUR))
def test_add_is_the_earliest_instant_with_that_much_business_time(rules, start, seconds):
    due = rules.add(start, seconds)
    assert rules.between(start, due) == seconds
    assert rules.between(start, due - timedelta(microseconds=1)) == seconds - 1
    assert rules.add(start, seconds + 1) > due


@settings(max_examples=200, deadline=None)
@given(rules=working_times(), a=instants, b=instants, c=instants)
def test_between_adds_up_over_consecutive_intervals(rules, a, b, c):
    a, b, c = sorted([a, b, c])
    assert rules.between(a, c) == rules.between(a, b) + rules.between(b, c)


# The models.


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "../etc/passwd"}, "timezone"),
        ({"working_days": []}, "working_days"),
        ({"working_days": [0, 8]}, "working_days"),
        ({"working_days": [1, 1]}, "working_days"),
        ({"working_days": "12345"}, "working_days"),
        ({"day_end": time(8)}, "day_end"),
        ({"day_end": time(9)}, "day_end"),
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_subdivision": "ZZ"}, "holiday_subdivision"),
        ({"holiday_country": "", "holiday_subdivision": "BY"}, "holiday_subdivision"),
    ],
    ids=[
        "unknown_timezone",
        "blank_timezone",
        "path_as_timezone",
        "no_working_days",
        "weekdays_out_of_range",
        "repeated_weekday",
        "weekdays_not_a_list",
        "end_before_start",
        "end_equals_start",
        "unknown_country",
        "unknown_subdivision",
        "subdivision_without_country",
    ],
)
def test_calendar_validation(fields, field):
    calendar = BusinessCalendar(name="Bad", **(STANDARD_CALENDAR | fields))
    with pytest.raises(ValidationError) as error:
        calendar.clean()
    assert set(error.value.message_dict) == {field}


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"holiday_country": "US", "holiday_subdivision": "CA", "timezone": "America/New_York"},
        {"holiday_country": "", "working_days": [7, 1]},
        {"holiday_subdivision": "BY"},
    ],
    ids=["standard", "us_california", "no_country", "bavaria"],
)
def test_valid_calendars_pass_validation(fields):
    BusinessCalendar(name="Good", **(STANDARD_CALENDAR | fields)).clean()


def test_subdivision_holidays_count():
    # Epiphany (6 January) is a holiday in Bavaria, not in Germany as a whole.
    bavaria = BusinessCalendar(name="Munich", **(STANDARD_CALENDAR | {"holiday_subdivision": "BY"}))
    rules = bavaria.working_time(YEARS)
    assert date(2026, 1, 6) in rules.holidays
    assert date(2026, 1, 6) not in STANDARD.holidays
    assert rules.add(berlin(2026, 1, 5, 17), 2 * HOUR) == datetime(2026, 1, 7, 9, tzinfo=UTC)


@pytest.fixture
def standard_calendar(o2c) -> BusinessCalendar:
    # Like `o2c`: a transactional test before this one may have flushed the migration's rows.
    if not BusinessCalendar.objects.filter(name=STANDARD_CALENDAR_NAME).exists():
        migration = importlib.import_module("processes.migrations.0004_standard_calendar")
        migration.install(django_apps, None)
    return BusinessCalendar.objects.get(name=STANDARD_CALENDAR_NAME)


def test_migration_puts_order_to_cash_on_the_standard_calendar(standard_calendar, o2c):
    o2c.refresh_from_db()
    assert o2c.calendar == standard_calendar
    assert (
        standard_calendar.timezone,
        standard_calendar.working_days,
        standard_calendar.day_start,
        standard_calendar.day_end,
        standard_calendar.holiday_country,
    ) == ("Europe/Berlin", [1, 2, 3, 4, 5], time(9), time(18), "DE")
    standard_calendar.full_clean()


def test_a_process_without_a_calendar_uses_the_standard_one(standard_calendar):
    process = Process.objects.create(slug="returns", name="Returns")
    assert process_calendar(process) == standard_calendar
    night = BusinessCalendar.objects.create(name="Night", day_start=time(0), day_end=time(6))
    process.calendar = night
    assert process_calendar(process) == night


def test_standard_calendar_is_remade_if_deleted(db):
    Process.objects.update(calendar=None)
    BusinessCalendar.objects.all().delete()
    calendar = BusinessCalendar.objects.standard()
    assert (calendar.name, calendar.holiday_country) == (STANDARD_CALENDAR_NAME, "DE")


def test_a_calendar_in_use_cannot_be_deleted(standard_calendar):
    with pytest.raises(ProtectedError):
        standard_calendar.delete()


def test_manual_holiday_rows_are_days_off(db, django_assert_num_queries):
    calendar = BusinessCalendar.objects.create(name="Company", **STANDARD_CALENDAR)
    Holiday.objects.create(calendar=calendar, date=date(2026, 6, 15), name="Company day")
    with django_assert_num_queries(1):
        rules = WorkingTime.for_calendar(calendar, years=YEARS)
    # Fri 17:00 + 2 h: Monday the 15th is off, so Tue 10:00 CEST.
    assert rules.add(berlin(2026, 6, 12, 17), 2 * HOUR) == datetime(2026, 6, 16, 8, tzinfo=UTC)
    assert date(2026, 12, 25) in rules.holidays


def test_prefetched_holidays_cost_no_query(db, django_assert_num_queries):
    calendar = BusinessCalendar.objects.create(name="Company", **STANDARD_CALENDAR)
    Holiday.objects.create(calendar=calendar, date=date(2026, 6, 15), name="Company day")
    calendar = BusinessCalendar.objects.prefetch_related("holidays").get(pk=calendar.pk)
    with django_assert_num_queries(0):
        rules = calendar.working_time(YEARS)
    assert date(2026, 6, 15) in rules.holidays


def test_default_years_reach_from_last_year_to_two_ahead():
    with time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=UTC), tick=False):
        rules = WorkingTime.for_calendar(BusinessCalendar(name="x", **STANDARD_CALENDAR))
    assert {d.year for d in rules.holidays} == {2025, 2026, 2027, 2028}


def test_admin_creates_a_calendar_with_a_holiday(admin_client):
    response = admin_client.post(
        "/admin/processes/businesscalendar/add/",
        {
            "name": "Warehouse",
            "timezone": "Europe/Berlin",
            "working_days": ["1", "2", "3", "4", "5", "6"],
            "day_start": "07:00",
            "day_end": "15:30",
            "holiday_country": "DE",
            "holiday_subdivision": "BY",
            "holidays-TOTAL_FORMS": "1",
            "holidays-INITIAL_FORMS": "0",
            "holidays-0-date": "2026-12-24",
            "holidays-0-name": "Christmas Eve",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar = BusinessCalendar.objects.get(name="Warehouse")
    assert calendar.working_days == [1, 2, 3, 4, 5, 6]
    assert list(calendar.holidays.values_list("date", "name")) == [
        (date(2026, 12, 24), "Christmas Eve")
    ]


def test_admin_reports_a_bad_calendar_on_its_fields(admin_client):
    response = admin_client.post(
        "/admin/processes/businesscalendar/add/",
        {
            "name": "Broken",
            "timezone": "Mars/Olympus_Mons",
            "working_days": ["1"],
            "day_start": "18:00",
            "day_end": "09:00",
            "holiday_country": "XX",
            "holidays-TOTAL_FORMS": "0",
            "holidays-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"timezone", "day_end", "holiday_country"}
    assert not BusinessCalendar.objects.filter(name="Broken").exists()
