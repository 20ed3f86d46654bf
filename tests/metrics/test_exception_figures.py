"""The exception route's figures (issue 26, point 5): exceptions no rule foresees counted apart
from the rules' requests, by reason, in the week's stored section and on the monthly agenda
(metrics/exceptions/figures.py, reviews/selectors/exceptions.py). Hand-built history, values
written out."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from metrics.catalogue import FIGURES
from metrics.exceptions.figures import exception_weekly_figures
from metrics.models import WeeklyFigure
from metrics.services.snapshots import weekly_snapshot_compute
from processes.models import ApprovalRequest
from processes.services import card_update
from processes.services.approvals import approval_decide, approvals_escalate
from processes.services.exceptions import exception_ask
from reviews.selectors.exceptions import ad_hoc_exception_items

WEEK = "2026-W47"  # Monday 16 to Sunday 22 November 2026, Berlin
MONDAY = datetime(2026, 11, 16, 9, tzinfo=UTC)  # 10:00 Berlin
AFTER = datetime(2026, 11, 24, 9, tzinfo=UTC)  # the Tuesday after the week


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def history(o2c, make_card, alice, olga):
    """Four ad-hoc exceptions and one rule's request:
    - A, payment: asked Mon 10:00, approved Tue;
    - B, payment: asked Tue 10:00, rejected Wed;
    - C, delivery: asked Wed 10:00, undecided, escalated past its 8 business hours (Thu 10:00);
    - D, payment: asked the week before (Fri 13), approved Mon 16 in the week: decided in the week,
      not asked in it;
    - a discount request of the rules, asked in the week: not counted."""
    with time_machine.travel(at(13, 8), tick=False):
        cards = [make_card(title=f"Order {n}") for n in "ABCD"]
        d = exception_ask(
            actor=alice, card=cards[3], ask="Free freight", why="Big client.",
            reason="payment", now=at(13, 10),
        )  # fmt: skip
    a = exception_ask(
        actor=alice, card=cards[0], ask="Pay in 45 days", why="Asked by the client.",
        reason="payment", now=at(16, 9),
    )  # fmt: skip
    approval_decide(actor=olga, approval=d, approve=True, at=at(16, 12))
    approval_decide(actor=olga, approval=a, approve=True, at=at(17, 9))
    b = exception_ask(
        actor=alice, card=cards[1], ask="Pay in 60 days", why="Asked by the client.",
        reason="payment", now=at(17, 9),
    )  # fmt: skip
    approval_decide(actor=olga, approval=b, approve=False, comment="Too long.", at=at(18, 9))
    exception_ask(
        actor=alice, card=cards[2], ask="Deliver on Sunday", why="The site is closed on weekdays.",
        reason="delivery", now=at(18, 9),
    )  # fmt: skip
    assert approvals_escalate(now=at(19, 9)) == 1
    with time_machine.travel(at(18, 10), tick=False):
        card_update(actor=alice, card=cards[0], changes={"discount_percent": Decimal("15")})
    assert ApprovalRequest.objects.filter(family="discount").count() == 1
    return cards


def test_the_week_counts_ad_hoc_exceptions_apart_by_reason(history, o2c):
    assert exception_weekly_figures(o2c, WEEK, now=AFTER) == {
        "asked": 3,
        "decided": 3,
        "approved": 2,
        "escalated": 1,
        "approved_share": 0.6667,
        "by_reason": {
            "payment": {
                "asked": 2,
                "decided": 3,
                "approved": 2,
                "escalated": 0,
                "approved_share": 0.6667,
            },
            "delivery": {
                "asked": 1,
                "decided": 0,
                "approved": 0,
                "escalated": 1,
                "approved_share": None,
            },
        },
    }
    # The week before: D asked, nothing decided.
    assert exception_weekly_figures(o2c, "2026-W46", now=AFTER) == {
        "asked": 1,
        "decided": 0,
        "approved": 0,
        "escalated": 0,
        "approved_share": None,
        "by_reason": {
            "payment": {
                "asked": 1,
                "decided": 0,
                "approved": 0,
                "escalated": 0,
                "approved_share": None,
            }
        },
    }


def test_a_process_without_ad_hoc_exceptions_has_no_section(o2c):
    assert exception_weekly_figures(o2c, WEEK, now=AFTER) is None


def test_the_figures_are_kept_with_the_weeks_snapshot(history, o2c):
    snapshot = weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=AFTER)
    assert snapshot.figures["exceptions"]["asked"] == 3
    rows = {
        (r.metric, r.dimension): r.value
        for r in WeeklyFigure.objects.filter(snapshot=snapshot, metric__startswith="exceptions.")
    }
    assert rows[("exceptions.asked", "")] == 3
    assert rows[("exceptions.approved_share", "")] == pytest.approx(0.6667)
    assert rows[("exceptions.by_reason.asked", "payment")] == 2
    assert rows[("exceptions.by_reason.escalated", "delivery")] == 1


def test_the_weekly_dashboard_shows_them(history, o2c, bob, client):
    weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=AFTER)
    with time_machine.travel(AFTER, tick=False):
        client.force_login(bob)
        page = client.get(f"/dashboards/weekly/?process={o2c.slug}&week={WEEK}").content.decode()
    assert 'data-testid="exception-figures"' in page
    assert '<dd data-figure="exceptions_asked">3</dd>' in page
    assert "67% (2 of 3 decided)" in page


def test_the_monthly_agenda_lists_them_by_reason(history, o2c):
    items = ad_hoc_exception_items(o2c, now=AFTER, days=28)
    assert [(i["key"], i["text"], i["detail"], i["tone"]) for i in items] == [
        (
            "ad_hoc_exception:payment",
            "Payment terms",
            "3 asked in 28 days, approved 67% of 3 decided. "
            "Latest: Pay in 60 days; Pay in 45 days; Free freight. Frequent: a rule to write?",
            "warn",
        ),
        (
            "ad_hoc_exception:delivery",
            "Delivery date or way",
            "1 asked in 28 days, approved – of 0 decided. Latest: Deliver on Sunday.",
            "",
        ),
    ]


def test_the_catalogue_names_them_and_reads_the_snapshot(history, o2c, alice):
    """The exceptions' figures are the catalogue's entries (key results, decisions and the
    catalogue API name them): each reads its row of the week's snapshot."""
    snapshot = weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=AFTER)
    rows = {r.metric: r.value for r in WeeklyFigure.objects.filter(snapshot=snapshot, dimension="")}
    entries = {k: m for k, m in FIGURES.items() if m.figure.startswith("exceptions.")}
    assert {k: (m.unit, m.better, rows[m.figure]) for k, m in entries.items()} == {
        "exceptions_asked": ("cards", "down", 3.0),
        "exceptions_decided": ("cards", "up", 3.0),
        "exceptions_approved_share": ("share", "up", pytest.approx(0.6667)),
        "exceptions_escalated": ("cards", "down", 1.0),
    }
    listed = {m["metric"]: m for m in _api(alice).get("/api/metrics/catalogue/").json()}
    assert listed["exceptions_asked"]["label"] == "Exceptions no rule foresees, asked"
    assert listed["exceptions_escalated"]["figure"] == "exceptions.escalated"
    # Decided is shown beside approved, not a figure to follow.
    assert "exceptions_decided" not in listed


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api
