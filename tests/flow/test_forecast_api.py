"""GET /api/processes/{slug}/forecast/, /sle/ and /forecast/backtest/ over a hand-built history."""

from datetime import date

import pytest

from tests.flow.conftest import finish_cards, working_days

WINDOW = working_days(date(2026, 10, 19), date(2026, 11, 17))
URL = "/api/processes/order-to-cash/forecast/"


@pytest.fixture
def api(client, alice, now):
    # After the clock moved (`now`): a session made earlier could have expired by then.
    client.force_login(alice)
    return client


def test_constant_three_a_working_day_forecasts_exactly_three_per_working_day(api, o2c, alice, now):
    assert len(WINDOW) == 22
    finish_cards(o2c, alice, dict.fromkeys(WINDOW, 3))
    body = api.get(URL, {"how_many_by": "2026-11-27", "seed": 5}).json()
    # 18-20, 23-27 November: 8 working days; the weekend is neither sampled nor simulated.
    assert body == {
        "kind": "how_many",
        "window": {"from": "2026-10-19", "to": "2026-11-17"},
        "sample_days": 22,
        "trials": 10000,
        "seed": 5,
        "sufficient": True,
        "target": "2026-11-27",
        "percentiles": {"50": 24, "70": 24, "85": 24, "95": 24},
    }
    when = api.get(URL, {"when": 31, "seed": 5}).json()
    # 31 cards at 3 a day: the 11th working day from Wednesday 18 November.
    assert when["kind"] == "when"
    assert when["percentiles"] == dict.fromkeys(["50", "70", "85", "95"], "2026-12-02")


def test_zero_days_count(api, o2c, alice, now):
    finish_cards(o2c, alice, {day: 6 for day in WINDOW[::2]})
    body = api.get(URL, {"how_many_by": "2026-11-27", "seed": 1}).json()
    assert body["sample_days"] == 22
    # 66 cards over 22 working days: 3 a day, 24 in 8 days at the median; 48 if the empty
    # days were dropped.
    assert body["percentiles"]["50"] == 24
    assert body["percentiles"]["85"] < 24


def test_when_defaults_to_the_open_cards(api, o2c, alice, make_card, now):
    finish_cards(o2c, alice, dict.fromkeys(WINDOW, 3))
    for _ in range(7):
        make_card()
    body = api.get(URL, {"seed": 3}).json()
    assert body["target"] == 7
    assert body["percentiles"]["85"] == "2026-11-20"  # 3 + 3 + 3 >= 7 on the third day


def test_the_same_seed_replays_the_forecast(api, o2c, alice, now):
    finish_cards(o2c, alice, {day: (i * 7) % 5 for i, day in enumerate(WINDOW)})
    first = api.get(URL, {"how_many_by": "2026-12-18"}).json()
    again = api.get(URL, {"how_many_by": "2026-12-18", "seed": first["seed"]}).json()
    assert again == first


def test_not_enough_history_is_said_plainly(api, o2c, alice, now):
    body = api.get(URL, {"how_many_by": "2026-11-27"}).json()
    assert body["sufficient"] is False
    assert body["percentiles"] == {"50": None, "70": None, "85": None, "95": None}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"how_many_by": "2026-11-17"}, "how_many_by"),
        ({"how_many_by": "someday"}, "how_many_by"),
        ({"when": "-1"}, "when"),
        ({"when": "3", "how_many_by": "2026-12-01"}, "when"),
        ({"window_days": "3"}, "window_days"),
        ({"seed": "x"}, "seed"),
    ],
)
def test_bad_questions_get_field_errors(api, now, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "url, param",
    [
        (URL, "how_many_by"),
        (URL, "when"),
        ("/api/processes/order-to-cash/sle/", "window_days"),
        ("/api/processes/order-to-cash/forecast/backtest/", "seed"),
        ("/api/processes/order-to-cash/map/", "to"),
    ],
)
def test_a_parameter_sent_empty_is_a_400_naming_it(api, now, url, param):
    answer = api.get(f"{url}?{param}=")
    assert answer.status_code == 400
    blank = "This field may not be blank: give a value or leave the parameter out."
    assert answer.json() == {param: [blank]}


def test_outsiders_and_strangers_see_nothing(client, charlie, o2c, now):
    client.force_login(charlie)
    for url in [URL, "/api/processes/order-to-cash/sle/", URL + "backtest/"]:
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(URL).status_code in (401, 403)


def test_wrong_method_is_refused(api, now):
    assert api.post(URL, {}).status_code == 405


def test_sle_is_the_85th_percentile_of_cycle_times(api, o2c, alice, now):
    # Cycle times 1, 2, 3, 4 and 10 days: rank (5 - 1) x 0.85 = 3.4, so 4 + 0.4 x (10 - 4).
    for cycle, day in zip([1, 2, 3, 4, 10], WINDOW[-5:], strict=True):
        finish_cards(o2c, alice, {day: 1}, cycle_days=cycle)
    body = api.get("/api/processes/order-to-cash/sle/").json()
    assert body == {
        "percentile": 85,
        "days": 6.4,
        "sample": 5,
        "window": {"from": "2026-10-19", "to": "2026-11-17"},
    }


def test_backtest_reports_each_level(api, o2c, alice, now):
    days = working_days(date(2026, 4, 1), date(2026, 11, 17))
    finish_cards(o2c, alice, {day: (i * 3) % 5 for i, day in enumerate(days)})
    body = api.get(URL + "backtest/", {"seed": 1}).json()
    assert set(body["levels"]) == {"50", "70", "85", "95"}
    level = body["levels"]["85"]
    assert level["anchors"] > 100
    assert level["held"] == round(level["rate"] * level["anchors"])
