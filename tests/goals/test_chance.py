"""The chance of a throughput target by its deadline, beside the owner's confidence (issue 25,
point 3). "Now" is Wed 2026-11-25 13:00 in Berlin (W48); the history window is the 30 days
before today, Mon 26 Oct - Tue 24 Nov: 22 working days (no German public holiday in it). The
deadline is Thu 31 Dec 2026, so the weeks are W48 to W53 (six), with the holidays of 25 Dec and
1 Jan off: W48 has Mon 23 and Tue 24 done and Wed 25 - Fri 27 to simulate (3 days), W49-W51
5 days each, W52 4 days (Fri 25 Dec off), W53 4 days (Fri 1 Jan off)."""

from datetime import date, timedelta

import pytest

from goals.models import CheckIn
from tests.flow.conftest import finish_cards
from tests.processes.test_api import api_as

pytestmark = pytest.mark.django_db

WINDOW = [
    date(2026, 10, 26) + timedelta(days=k)
    for k in range(30)
    if (date(2026, 10, 26) + timedelta(days=k)).isoweekday() <= 5
]


def test_the_window_has_22_working_days():
    assert len(WINDOW) == 22 and WINDOW[-1] == date(2026, 11, 24)


@pytest.fixture
def goal(make_goal):
    return make_goal("Finish more")


def _chance(user, kr, **params):
    return api_as(user).get(f"/api/key-results/{kr.pk}/chance/", params).json()


def test_a_steady_three_a_day_reaches_fifteen_a_week_and_never_sixteen(o2c, bob, goal, add_kr):
    finish_cards(o2c, bob, dict.fromkeys(WINDOW, 3))
    fifteen = add_kr(goal, "throughput", target=15)
    sixteen = add_kr(goal, "throughput", target=16)
    # W48: 6 already (Mon 23, Tue 24) + 3 days x 3 = 15; the other weeks 15 or 12.
    assert _chance(bob, fifteen, seed=7) | {"key_result": 0} == {
        "key_result": 0,
        "metric": "throughput",
        "dimension": "",
        "target": 15.0,
        "better": "up",
        "deadline": "2026-12-31",
        "confidence": None,
        "forecast": True,
        "probability": 1.0,
        "trials": 10000,
        "seed": 7,
        "window": {"from": "2026-10-26", "to": "2026-11-24"},
        "weeks": 6,
        "sufficient": True,
        "why": "",
    }
    assert _chance(bob, sixteen, seed=7)["probability"] == 0.0


def test_days_without_a_finish_count_and_the_seed_replays(o2c, bob, goal, add_kr):
    # Six on every other working day, none between: three a day on average. Dropping the
    # empty days would make every day a six and every week reach 20 (probability 1.0).
    finish_cards(o2c, bob, {day: 6 for k, day in enumerate(WINDOW) if k % 2 == 0})
    kr = add_kr(goal, "throughput", target=20)
    CheckIn.objects.create(key_result=kr, author=bob, confidence=7, comment="Looks good")
    first = _chance(bob, kr, seed=42)
    # By hand: W48 has 6 (Mon 23) and needs three sixes in 3 days (1/8); W49-W51 four sixes in
    # 5 days (6/32); W52 and W53 four in 4 days (1/16). No week reaches 20 with probability
    # 7/8 x (26/32)^3 x (15/16)^2 = 0.4125, so the chance is 0.5875; 10,000 trials give:
    assert (first["probability"], first["confidence"], first["weeks"]) == (0.5836, 7, 6)
    assert abs(first["probability"] - 0.5875) < 0.01
    assert _chance(bob, kr, seed=42) == first
    assert _chance(bob, kr, seed=43)["probability"] != first["probability"]


def test_a_key_result_that_is_not_throughput_is_not_forecast(o2c, bob, goal, add_kr):
    kr = add_kr(goal, "cycle_time_p85", target=6.5)
    answer = _chance(bob, kr, seed=1)
    assert (answer["forecast"], answer["probability"], answer["why"][:32]) == (
        False,
        None,
        "Only a throughput target is fore",
    )


def test_too_little_history_is_said_plainly(o2c, bob, goal, add_kr):
    finish_cards(o2c, bob, {WINDOW[-1]: 4})
    kr = add_kr(goal, "throughput", target=10)
    assert _chance(bob, kr, seed=1)["sufficient"] is True  # 22 working days, one with finishes
    short = _chance(bob, kr, seed=1, window_days=7)  # 5 working days
    assert (short["sufficient"], short["probability"]) == (False, None)
    assert short["why"].startswith("Not enough history")


def test_bad_parameters_and_outsiders(o2c, bob, charlie, goal, add_kr):
    kr = add_kr(goal, "throughput", target=10)
    bad = api_as(bob).get(f"/api/key-results/{kr.pk}/chance/", {"seed": ""})
    assert bad.status_code == 400 and "seed" in bad.json()
    assert api_as(charlie).get(f"/api/key-results/{kr.pk}/chance/").status_code == 404


def test_the_goal_page_shows_the_chance_beside_the_confidence(client, o2c, bob, goal, add_kr):
    finish_cards(o2c, bob, dict.fromkeys(WINDOW, 3))
    kr = add_kr(goal, "throughput", target=15)
    CheckIn.objects.create(key_result=kr, author=bob, confidence=4, comment="Unsure")
    client.force_login(bob)
    page = client.get(f"/goals/{goal.pk}/").content.decode()
    chance = page[page.index('data-testid="chance"') :]
    assert chance.startswith('data-testid="chance">100%')
    assert 'Owner\'s confidence: <span data-testid="confidence">4/10</span>' in chance
