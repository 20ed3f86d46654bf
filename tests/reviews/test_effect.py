from datetime import date

import pytest

from reviews.definitions import Effect, effect_of, effect_ready_on, effect_weeks


@pytest.mark.parametrize(
    "before, after, expected, outcome",
    [
        # mean 10 -> 7, change -3, stdev before 0.82: moved as expected (down)
        ([9, 10, 11, 10], [7, 7, 6, 8], "down", Effect.MOVED),
        # mean 10 -> 10.25, change 0.25 < stdev 0.82: no clear change
        ([9, 10, 11, 10], [10, 11, 9, 11], "down", Effect.NO_CHANGE),
        # mean 10 -> 13, change +3 the other way: wrong way
        ([9, 10, 11, 10], [13, 12, 14, 13], "down", Effect.WRONG_WAY),
        ([9, 10, 11, 10], [13, 12, 14, 13], "up", Effect.MOVED),
        # a big spread before hides a change of 2
        ([5, 15, 5, 15], [8, 8, 8, 8], "down", Effect.NO_CHANGE),
        ([10], [7, 7, 7, 7], "down", Effect.NO_DATA),
    ],
)
def test_effect_rule_on_hand_built_weekly_values(before, after, expected, outcome):
    assert effect_of(before, after, expected) == outcome


def test_effect_weeks_are_the_complete_weeks_around_the_week_done():
    before, after = effect_weeks(date(2026, 10, 14))  # a Wednesday of W42
    assert before == ["2026-W38", "2026-W39", "2026-W40", "2026-W41"]
    assert after == ["2026-W43", "2026-W44", "2026-W45", "2026-W46"]
    assert effect_ready_on(date(2026, 10, 14)) == date(2026, 11, 16)
