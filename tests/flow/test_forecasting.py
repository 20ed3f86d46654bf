"""The Monte Carlo itself, without the database."""

import numpy as np

from flow import forecasting


def test_constant_throughput_gives_exactly_that_at_every_level():
    outcome = forecasting.how_many([3] * 22, days=8, seed=1)
    assert outcome.percentiles == {50: 24, 70: 24, 85: 24, 95: 24}
    assert forecasting.when([3] * 22, cards=31, seed=1).percentiles == dict.fromkeys(
        forecasting.LEVELS, 11
    )


def test_zero_days_stay_in_the_sample():
    # Six on every other day: three a day on average. Dropping the zero days would make every
    # trial 6 x 8 = 48.
    outcome = forecasting.how_many([6, 0] * 11, days=8, seed=3)
    assert outcome.percentiles[50] == 24
    assert outcome.percentiles[95] < outcome.percentiles[85] < outcome.percentiles[50] < 48
    assert forecasting.when([6, 0] * 11, cards=48, seed=3).percentiles[50] > 8


def test_the_same_seed_gives_the_same_answer():
    sample = [0, 1, 5, 2, 0, 3, 7, 1, 0, 4, 2, 2]
    assert forecasting.how_many(sample, days=20, seed=9) == forecasting.how_many(
        sample, days=20, seed=9
    )
    assert forecasting.when(sample, cards=60, seed=9) == forecasting.when(sample, cards=60, seed=9)
    assert forecasting.when(sample, cards=60, seed=9) != forecasting.when(sample, cards=60, seed=10)


def test_levels_read_as_at_least_and_by_then():
    sample = [0, 1, 5, 2, 0, 3, 7, 1, 0, 4, 2, 2]
    many = forecasting.how_many(sample, days=20, seed=4).percentiles
    assert many[50] >= many[70] >= many[85] >= many[95]  # more confidence, fewer cards
    days = forecasting.when(sample, cards=60, seed=4).percentiles
    assert days[50] <= days[70] <= days[85] <= days[95]  # more confidence, later


def test_too_little_history_is_said_plainly():
    assert not forecasting.how_many([2] * 9, days=5, seed=1).sufficient
    assert not forecasting.when([0] * 30, cards=5, seed=1).sufficient
    assert forecasting.how_many([2] * 9, days=5, seed=1).percentiles[85] is None


def test_a_when_past_the_horizon_has_no_date():
    outcome = forecasting.when([1] + [0] * 99, cards=1_000, seed=1)
    assert outcome.sufficient and outcome.percentiles[95] is None


def test_backtest_of_a_stationary_history_holds_the_85_level():
    daily = [int(x) for x in np.random.default_rng(2).poisson(3, size=1000)]
    levels = forecasting.backtest(daily, window=44, horizon=10, seed=2, trials=2000, step=2)
    assert levels[85].anchors == 474
    assert 0.80 <= levels[85].rate <= 0.90
    assert levels[50].rate < levels[70].rate < levels[85].rate < levels[95].rate
