"""The weekly handoff wait per status (issue 24, point 4), from hand-built history: from the
handoff to a stage role's queue until someone takes the card, counted in the week it ends."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from metrics.catalogue import METRICS
from metrics.dashboards import weekly_dashboard
from metrics.flow.handoffs import handoff_wait_figures
from metrics.models import WeeklyFigure
from metrics.services.snapshots import weekly_snapshot_compute
from metrics.weeks import iso_week_bounds
from processes.models import StageAssignment, Status
from processes.services import card_transition
from processes.services.handoffs import card_take
from tests.conftest import settle
from tests.stage_people import agreed_card, person

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 2026-W47
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@pytest.fixture
def history(o2c, acme):
    """Handed to Warehouse on Monday 09:00 and taken after 2 hours, 1 day and 3 days; one
    handed the Friday before and taken on Monday 09:00 (3 days); one never taken; one
    fulfilled (to Finance) on Tuesday 09:00 and taken 12 hours later; one handed to a member by
    the rule (no wait). The week before, one taken in W46 (not this week's)."""
    oliver = person("oliver", process=o2c)
    wanda, finn = person("wanda", group="Warehouse"), person("finn", group="Finance")
    with time_machine.travel(NOW, tick=False):

        def handed(at, title):
            card = agreed_card(o2c, oliver, acme, at=at - HOUR, title=title)
            card_transition(actor=oliver, card=card, name="invoice", at=at)
            settle(card)  # the prepaid invoice paid: the warehouse may ship
            return card

        for wait, title in [(2 * HOUR, "A"), (DAY, "B"), (3 * DAY, "C")]:
            card_take(actor=wanda, card=handed(MONDAY, title), at=MONDAY + wait)
        card_take(actor=wanda, card=handed(MONDAY - 3 * DAY, "E"), at=MONDAY)
        handed(MONDAY, "never taken")
        shipped = handed(MONDAY - 3 * DAY, "shipped")
        card_take(actor=wanda, card=shipped, at=MONDAY - 2 * DAY)  # W46: not counted
        card_transition(actor=wanda, card=shipped, name="fulfil", at=MONDAY + DAY)
        card_take(actor=finn, card=shipped, at=MONDAY + DAY + 12 * HOUR)
        status = Status.objects.get(process=o2c, slug="awaiting_payment")
        status.stage_assignment = StageAssignment.LEAST_LOADED
        status.save()
        o2c.refresh_from_db()
        handed(MONDAY, "by the rule")
    return o2c


def test_handoff_wait_per_status_p50_p85(history):
    start, end = iso_week_bounds(history, "2026-W47")
    assert handoff_wait_figures(process_id=history.pk, start=start, end=end) == {
        "by_status": {
            # waits 2/24, 1, 3, 3 days: P50 between 1 and 3, P85 at 3
            "awaiting_payment": {"count": 4, "p50": 2.0, "p85": 3.0},
            "fulfilled": {"count": 1, "p50": 0.5, "p85": 0.5},
        }
    }
    start46, end46 = iso_week_bounds(history, "2026-W46")
    assert handoff_wait_figures(process_id=history.pk, start=start46, end=end46) == {
        "by_status": {"awaiting_payment": {"count": 1, "p50": 1.0, "p85": 1.0}}
    }


def test_the_weekly_snapshot_and_the_catalogue_carry_it(history):
    with time_machine.travel(NOW, tick=False):
        snapshot = weekly_snapshot_compute(process_id=history.pk, week="2026-W47", now=NOW)
    assert snapshot.figures["handoff_wait"]["by_status"]["fulfilled"] == {
        "count": 1,
        "p50": 0.5,
        "p85": 0.5,
    }
    for key, value in [("handoff_wait_p50", 2.0), ("handoff_wait_p85", 3.0)]:
        metric = METRICS[key]
        assert (metric.unit, metric.better, metric.dimension) == ("days", "down", "status")
        row = WeeklyFigure.objects.get(
            snapshot=snapshot, metric=metric.dimension_figure, dimension="awaiting_payment"
        )
        assert row.value == value


def test_the_weekly_dashboard_shows_it_in_hours(history):
    with time_machine.travel(NOW, tick=False):
        weekly_snapshot_compute(process_id=history.pk, week="2026-W47", now=NOW)
        table = weekly_dashboard(process=history, week="2026-W47").table("handoff_wait")
    assert table.columns == [
        "Status",
        "Waits ended",
        "50th percentile",
        "85th percentile",
        "85th, previous week",
    ]
    assert [[c.raw for c in row] for row in table.rows] == [
        [None, 4, 48.0, 72.0, None],
        [None, 1, 12.0, 12.0, None],
    ]
    assert [row[0].text for row in table.rows] == ["To ship", "Shipped"]
