"""The weekly promise figures from hand-built events: on time in full, promises at risk, days
late of missed promises (metrics/promises/figures.py), stored with the week's snapshot, named
in the catalogue and shown on the weekly dashboard."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from metrics.catalogue import METRICS
from metrics.models import WeeklyFigure
from metrics.promises.figures import promise_cards, promise_weekly_figures
from metrics.services import weekly_snapshot_compute
from processes.models import Event, EventKind

pytestmark = pytest.mark.django_db

WEEK = "2026-W47"  # Monday Nov 16 to Sunday Nov 22, in Berlin
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # the week after


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def utc(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def outcome(card, at, kind, days_late=0, in_full=True):
    return Event(
        card=card,
        kind=EventKind.PROMISE_OUTCOME,
        at=at,
        data={"outcome": kind, "days_late": days_late, "in_full": in_full},
    )


def event(card, at, kind, **fields):
    return Event(card=card, kind=kind, at=at, **fields)


@pytest.fixture
def history(o2c, make_card):
    cards = [make_card(f"Order {i}", at=utc(2, 9)) for i in range(10)]
    c = cards
    Event.objects.bulk_create(
        [
            outcome(c[0], utc(17, 10), "kept"),  # on time in full
            outcome(c[1], utc(18, 10), "kept", in_full=False),  # on time, a line short
            outcome(c[2], utc(18, 11), "missed", days_late=1),
            outcome(c[3], utc(19, 10), "missed", days_late=4),
            outcome(c[4], utc(20, 10), "missed", days_late=10),
            outcome(c[5], utc(15, 22), "missed", days_late=7),  # Sunday of W46 in Berlin
            event(c[6], utc(17, 9), EventKind.PROMISE_AT_RISK),  # still at risk
            event(c[7], utc(16, 9), EventKind.PROMISE_AT_RISK),
            event(c[7], utc(17, 9), EventKind.PROMISE_ON_TRACK),  # back on track
            event(c[8], utc(16, 9), EventKind.PROMISE_AT_RISK),
            event(c[8], utc(18, 9), EventKind.TRANSITION, to_status="lost"),  # finished
            event(c[9], utc(22, 23, 30), EventKind.PROMISE_AT_RISK),  # Monday of W48 in Berlin
        ]
    )
    return cards


def test_the_weeks_promise_figures(history):
    assert promise_weekly_figures(process=history[0].process, week=WEEK, now=NOW) == {
        "shipped": 5,
        "kept": 2,
        "missed": 3,
        "on_time_in_full": 1,
        "on_time_in_full_share": 0.2,
        "at_risk": 1,
        # days late 1, 4, 10: P50 4, P85 4 + 0.7 * (10 - 4) = 8.2
        "days_late": {"count": 3, "p50": 4.0, "p85": 8.2},
    }
    assert promise_cards(process=history[0].process, week=WEEK, now=NOW) == {
        "missed": [history[2].pk, history[3].pk, history[4].pk],
        "at_risk": [history[6].pk],
    }


def test_the_week_in_progress_counts_at_risk_now(history):
    now = utc(17, 12)
    figures = promise_weekly_figures(process=history[0].process, week=WEEK, now=now)
    # At Tuesday noon: c[6] at risk, c[7] back on track, c[8] at risk (lost on the 18th).
    assert (figures["at_risk"], figures["shipped"], figures["on_time_in_full_share"]) == (
        2,
        1,
        1.0,
    )


def test_snapshot_stores_them_under_the_catalogues_names(history, o2c, alice):
    snapshot = weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)
    stored = dict(
        WeeklyFigure.objects.filter(snapshot=snapshot, metric__startswith="promise.").values_list(
            "metric", "value"
        )
    )
    for key, value in {
        "on_time_in_full": 0.2,
        "promises_at_risk": 1.0,
        "promise_days_late_p50": 4.0,
        "promise_days_late_p85": 8.2,
    }.items():
        assert stored[METRICS[key].figure] == value

    client = Client()
    client.force_login(alice)
    page = client.get(reverse("weekly-dashboard"), {"process": o2c.slug, "week": WEEK})
    html = page.content.decode()
    assert "Promises to clients" in html
    assert "20% (1 of 5 shipped)" in html
    assert "4.0 / 8.2 days" in html
    missed = client.get(
        reverse("weekly-cards"), {"process": o2c.slug, "week": WEEK, "metric": "promise_missed"}
    )
    assert [c.pk for c in missed.context["cards"]] == [history[2].pk, history[3].pk, history[4].pk]
