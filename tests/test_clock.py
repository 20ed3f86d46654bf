"""The suite's own clock: OPMODEL_TEST_NOW moves it (tests/conftest.py), and nothing in the
models' checks depends on the time of day."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from processes.models import BusinessCalendar
from tests import conftest


def test_the_suite_runs_at_the_instant_opmodel_test_now_names():
    from django.utils import timezone

    instant = conftest._test_now()
    # The real clock, whatever time_machine says; the instant named by the variable otherwise.
    real = (
        time_machine.escape_hatch.time.time()
        if time_machine.escape_hatch.is_travelling()
        else time.time()
    )
    expected = instant or datetime.fromtimestamp(real, UTC)
    # The travelled clock ticks from the session's start: a whole suite run is well under an hour.
    assert expected - timedelta(seconds=5) <= timezone.now() <= expected + timedelta(hours=1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-28T00:30:00+00:00", datetime(2026, 12, 28, 0, 30, tzinfo=UTC)),
        ("2026-12-31T23:59:00Z", datetime(2026, 12, 31, 23, 59, tzinfo=UTC)),
        ("  ", None),
    ],
)
def test_opmodel_test_now_is_read_as_an_instant(monkeypatch, raw, expected):
    monkeypatch.setenv(conftest.TEST_NOW_VARIABLE, raw)
    assert conftest._test_now() == expected


@pytest.mark.parametrize("raw", ["2026-12-28 00:30", "next monday", "2026-13-01T00:00Z"])
def test_opmodel_test_now_without_an_offset_or_unreadable_stops_the_run(monkeypatch, raw):
    monkeypatch.setenv(conftest.TEST_NOW_VARIABLE, raw)
    with pytest.raises(pytest.UsageError, match="ISO 8601 instant with an offset"):
        conftest._test_now()


@pytest.mark.parametrize("moment", [(9, 0, 3), (17, 59, 58), (18, 0, 0)])
def test_the_calendar_fields_pass_the_deploy_checks_at_any_time_of_day(moment):
    # Django's fields.W161 compares a fixed time default with the clock and warns within ten
    # seconds of it: with time(9) / time(18) as defaults `check --deploy` failed at those moments.
    with time_machine.travel(datetime(2026, 11, 26, *moment, tzinfo=UTC), tick=False):
        warnings = [
            message
            for name in ["day_start", "day_end"]
            for message in BusinessCalendar._meta.get_field(name).check()
        ]
    assert warnings == []
