"""The one rounding rule for money and shares, used by the approval rules, the card and the
dashboards alike: amounts to the cent and percentages to two decimals, halves away from zero
(ROUND_HALF_UP), from exact decimal values. A value is compared as it is shown: a margin of
11.995% is 12.00%, not under a 12% floor, on the card, in the rules and on the dashboard.

Floats (the figures' SQL) are read by their shortest decimal text (`repr`), so 11.995 rounds
as the 11.995 it prints, not as the binary 11.99499... below it.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
SHARE_PLACES = Decimal("0.0001")  # a share 0..1 is a percentage with two decimals


def _exact(value) -> Decimal:
    return (
        value
        if isinstance(value, Decimal)
        else Decimal(repr(value) if isinstance(value, float) else value)
    )


def money_round(value) -> Decimal:
    """An amount at the cent of the currency."""
    return _exact(value).quantize(CENT, ROUND_HALF_UP)


def percent_round(value) -> Decimal:
    """A percentage at two decimals, as every screen shows it."""
    return _exact(value).quantize(CENT, ROUND_HALF_UP)


def share_round(value) -> Decimal:
    """A share (0..1) at four decimals: its percentage at two."""
    return _exact(value).quantize(SHARE_PLACES, ROUND_HALF_UP)


def margin_percent(price, cost, discount_percent) -> Decimal | None:
    """The margin as shown and compared: net = price less the discount, at the cent; margin =
    (net - cost) / net at two decimals; none without a positive net."""
    net = money_round(_exact(price) * (HUNDRED - _exact(discount_percent)) / HUNDRED)
    if net <= 0:
        return None
    return percent_round((net - _exact(cost)) / net * HUNDRED)
