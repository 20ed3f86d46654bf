"""The one rounding rule for money and shares (opmodel/rounding.py)."""

from decimal import Decimal

from metrics.flow.definitions import percent, share
from opmodel.rounding import margin_percent, money_round, percent_round


def test_halves_round_away_from_zero_to_the_cent_and_two_decimals():
    assert money_round(Decimal("2.345")) == Decimal("2.35")
    assert money_round(Decimal("-2.345")) == Decimal("-2.35")
    assert percent_round(Decimal("11.995")) == Decimal("12.00")
    assert percent_round(Decimal("11.99499")) == Decimal("11.99")


def test_floats_round_as_they_print_not_as_their_binary_value():
    # 11.995 as a double is 11.99499999...; Python's round() gives 11.99.
    assert round(11.995, 2) == 11.99
    assert percent_round(11.995) == Decimal("12.00")
    assert percent(11.995) == 12.0
    assert share(1, 8) == 0.125
    assert share(2.00005, 4) == 0.5  # 0.5000125 -> 0.5000


def test_the_margin_takes_the_net_at_the_cent_then_two_decimals():
    # 33.33 less 10% is 29.997, at the cent 30.00: (30.00 - 15) / 30.00 = 50%.
    assert margin_percent(Decimal("33.33"), Decimal("15"), Decimal("10")) == Decimal("50.00")
    assert margin_percent(Decimal("200"), Decimal("176.01"), Decimal("0")) == Decimal("12.00")
    assert margin_percent(Decimal("200"), Decimal("176.02"), Decimal("0")) == Decimal("11.99")
    assert margin_percent(Decimal("0"), Decimal("5"), Decimal("0")) is None
