"""The rhythm on the rules of the game (issue 25, point 1): every role holder reads when each
level of review meets, how long, which role facilitates it and who holds that role, in the API
(GET /api/processes/{slug}/rules/, an exact schema) and on the rules page."""

from datetime import time

import pytest

from reviews.models import Rhythm
from tests.processes.test_api import api_as

pytestmark = pytest.mark.django_db

URL = "/api/processes/order-to-cash/rules/"


@pytest.fixture
def rhythm(o2c, bob):
    Rhythm.objects.create(process=o2c, level="monthly", time_of_day=time(10), weekday=2, nth=1)
    Rhythm.objects.create(
        process=o2c, level="weekly", time_of_day=time(10), weekday=1, duration_minutes=60
    )
    Rhythm.objects.create(
        process=o2c, level="daily", time_of_day=time(9, 30), duration_minutes=15,
        facilitator_kind="executor",
    )  # fmt: skip


def test_the_rules_say_the_rhythm_daily_weekly_monthly(rhythm, alice, olga):
    for user in (alice, olga):  # an executor and an approver read the same
        body = api_as(user).get(URL).json()
        assert body["rhythm"] == [
            {
                "level": "daily",
                "when": "Working days at 09:30",
                "time_of_day": "09:30",
                "weekday": None,
                "nth": None,
                "duration_minutes": 15,
                "facilitator_role": "executor",
                "facilitators": ["alice"],
            },
            {
                "level": "weekly",
                "when": "Mondays at 10:00",
                "time_of_day": "10:00",
                "weekday": 1,
                "nth": None,
                "duration_minutes": 60,
                "facilitator_role": "accountable",
                "facilitators": ["bob"],
            },
            {
                "level": "monthly",
                "when": "1st Tuesday of the month at 10:00",
                "time_of_day": "10:00",
                "weekday": 2,
                "nth": 1,
                "duration_minutes": 30,
                "facilitator_role": "accountable",
                "facilitators": ["bob"],
            },
        ]


def test_an_inactive_level_is_not_shown_and_none_says_so(o2c, alice, client):
    Rhythm.objects.create(process=o2c, level="weekly", time_of_day=time(10), weekday=1,
                          is_active=False)  # fmt: skip
    assert api_as(alice).get(URL).json()["rhythm"] == []
    client.force_login(alice)
    page = client.get("/processes/order-to-cash/").content.decode()
    assert "No reviews are scheduled for this process." in page


def test_the_rules_page_shows_the_rhythm(rhythm, client, alice):
    client.force_login(alice)
    page = client.get("/processes/order-to-cash/").content.decode()
    table = page[page.index('data-rules="rhythm"') :]
    assert table.index('data-level="daily"') < table.index('data-level="weekly"')
    assert "Working days at 09:30" in table and "15 minutes" in table
    assert "the accountable: bob" in table
    assert "1st Tuesday of the month at 10:00" in table
