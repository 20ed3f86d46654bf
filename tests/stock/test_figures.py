"""The weekly stock figures on hand-built data, values written out (week 2026-W47 in Berlin:
Monday 16 November 2026, business hours 9-18, UTC+1)."""

from datetime import UTC, datetime

import pytest

from metrics.sections import weekly_sections_data
from stock.figures import stock_weekly_figures
from stock.services.reservations import card_lines_reserve

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
MONDAY_14 = datetime(2026, 11, 16, 13, 0, tzinfo=UTC)  # 14:00
TUESDAY_11 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # 11:00: 8 + 2 = 10 business hours


def test_stock_figures_of_a_week(stock_card, receive, drill, cable, alice, o2c):
    receive(drill, 4, now=MONDAY_10)
    full = stock_card(drill, 2)  # gets 2 of 2
    short = stock_card(drill, 4)  # gets 2 of 4: short 2
    cable_short = stock_card(cable, 5)  # gets 0 of 5: short 5
    for card in (full, short, cable_short):
        card_lines_reserve(actor=alice, card=card, now=MONDAY_10)
    receive(drill, 2, now=MONDAY_14)  # fills `short` after 4 business hours
    receive(cable, 5, now=TUESDAY_11)  # fills cable after 10 business hours

    figures = stock_weekly_figures(o2c, "2026-W47")

    assert figures == {
        "lines_first_reserved": 3,
        "lines_short_at_first_reservation": 2,
        "short_share": 0.667,
        "fill_rate_at_first_reservation": round(4 / 11, 3),  # 4 of 11 units asked
        "waits_filled": 2,
        "wait_hours_p50": 7.0,  # between 4 and 10
        "wait_hours_p85": 9.1,  # 4 + 0.85 * 6
        "most_short": [
            {"sku": "CBL-1", "name": "Cable", "lines": 1},
            {"sku": "DRL-1", "name": "Drill", "lines": 1},
        ],
        "waiting_now": 0,
    }
    assert weekly_sections_data(o2c, "2026-W47")["stock"] == figures
    assert stock_weekly_figures(o2c, "2026-W48")["lines_first_reserved"] == 0
