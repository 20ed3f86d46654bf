"""The money's weekly figures on hand-built invoices (finance/definitions.py), kept with the
week's snapshot for the catalogue. Week 2026-W46 runs Nov 9-15; its trailing 12 weeks start on
Aug 24 (84 days)."""

from datetime import date

import pytest

from finance.selectors.figures import money_weekly_figures
from metrics.catalogue import METRICS
from metrics.models import WeeklyFigure
from metrics.services import weekly_snapshot_compute
from opmodel.formatting import figure_text
from tests.finance.builders import invoice, payment
from tests.finance.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(make_card, acme):
    card = iter(make_card(title=f"Order {n}", client=acme) for n in range(7))
    i1 = invoice(next(card), "1000.00", date(2026, 9, 1), date(2026, 10, 1))
    payment(i1, "400.00", date(2026, 10, 5))
    payment(i1, "600.00", date(2026, 11, 16))  # after the week
    i2 = invoice(next(card), "2000.00", date(2026, 11, 10), date(2026, 12, 10))
    payment(i2, "500.00", date(2026, 11, 12))
    invoice(next(card), "300.00", date(2026, 6, 1), date(2026, 6, 1))  # before the window
    invoice(next(card), "999.00", date(2026, 11, 17), date(2026, 11, 17))  # after the week
    invoice(next(card), "800.00", date(2026, 10, 1), date(2026, 10, 1), voided=date(2026, 11, 1))
    i6 = invoice(next(card), "200.00", date(2026, 10, 20), date(2026, 10, 20))
    payment(i6, "200.00", date(2026, 11, 14))


def test_dso_overdue_and_payments_of_a_complete_week(book, o2c):
    figures = money_weekly_figures(o2c, "2026-W46", now=NOW)
    assert figures == {
        "day": "2026-11-15",
        # 600 (of I1) + 1,500 (I2) + 300 (I3) + 0 (I6)
        "outstanding": 2400.0,
        # due before Nov 15 and unpaid: I1's 600 and I3's 300
        "overdue_amount": 900.0,
        # issued Aug 24 - Nov 15, not voided: I1, I2, I6
        "invoiced_in_window": 3200.0,
        "window_days": 84,
        "dso": 63.0,  # 2,400 / 3,200 x 84
        "payments_received": 700.0,  # 500 on Nov 12, 200 on Nov 14
    }


def test_the_week_in_progress_is_taken_today(book, o2c):
    figures = money_weekly_figures(o2c, "2026-W47", now=NOW)  # Wednesday Nov 18
    assert (figures["day"], figures["payments_received"]) == ("2026-11-18", 600.0)
    # 0 (I1) + 1,500 + 300 + 999 (issued and due Nov 17) + 0; overdue: I3 and I4
    assert (figures["outstanding"], figures["overdue_amount"]) == (2799.0, 1299.0)
    assert money_weekly_figures(o2c, "2026-W48", now=NOW) is None  # still to come


def test_a_process_without_invoices_has_no_money_figures(o2c):
    assert money_weekly_figures(o2c, "2026-W46", now=NOW) is None


def test_the_figures_are_kept_with_the_snapshot_for_the_catalogue(book, o2c):
    snapshot = weekly_snapshot_compute(process_id=o2c.pk, week="2026-W46", now=NOW)
    rows = dict(
        WeeklyFigure.objects.filter(snapshot=snapshot, metric__startswith="money.").values_list(
            "metric", "value"
        )
    )
    assert rows["money.dso"] == 63.0
    assert rows["money.overdue_amount"] == 900.0
    assert rows["money.payments_received"] == 700.0
    for key in ("days_sales_outstanding", "overdue_amount", "payments_received"):
        assert METRICS[key].figure in rows
    assert figure_text(rows["money.overdue_amount"], METRICS["overdue_amount"].unit) == "900.00"


def test_the_weekly_dashboard_shows_the_money(client, book, o2c, bob):
    weekly_snapshot_compute(process_id=o2c.pk, week="2026-W46", now=NOW)
    client.force_login(bob)
    page = client.get("/dashboards/weekly/", {"process": "order-to-cash", "week": "2026-W46"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Days sales outstanding" in html and "63.0 d" in html
    assert "900.00" in html and "700.00" in html
