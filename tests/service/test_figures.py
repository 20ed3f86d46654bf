"""The quality figures on hand-built data (service/definitions.py). Week 2030-W10 runs Monday
Mar 4 to Sunday Mar 10 in Berlin; the repeat window of 8 weeks starts on Monday Jan 14 (W03)."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from metrics.catalogue import METRICS
from metrics.models import WeeklyFigure
from metrics.services import weekly_snapshot_compute
from service.definitions import REPEAT_WEEKS
from service.selectors.figures import quality_cards, quality_weekly_figures
from tests.service.builders import client, complaint, local, order
from tests.service.conftest import NOW

pytestmark = pytest.mark.django_db
WEEK = "2030-W10"


@pytest.fixture
def history(o2c, alice, maggie):
    acme, baltic, delta = client("Acme Tools"), client("Baltic Hardware"), client("Delta Farms")
    o = {
        1: order(o2c, alice, acme, date(2030, 3, 4)),
        2: order(o2c, alice, baltic, date(2030, 3, 6)),
        3: order(o2c, alice, acme, date(2030, 3, 10)),
        4: order(o2c, alice, delta, date(2030, 3, 8)),
        5: order(o2c, alice, baltic, date(2030, 3, 11)),  # shipped the week after
        6: order(o2c, alice, acme, date(2030, 3, 3)),  # shipped the week before
        7: order(o2c, alice, delta, date(2030, 3, 7)),
        8: order(o2c, alice, delta),  # not shipped
    }
    c = {
        "c1": complaint(maggie, "damaged", local(2030, 3, 5), about=o[1]),
        "c2": complaint(maggie, "damaged", local(2030, 3, 6), about=o[2], returned="2 drills"),
        "c3": complaint(maggie, "late", local(2030, 3, 9), about=o[3]),
        # No order: still counted; Sunday 22:30 in Berlin is in the week (21:30 UTC).
        "c4": complaint(maggie, "wrong_item", local(2030, 3, 10, 22, 30), who=delta),
        # Monday 00:30 in Berlin is the next week, though still Sunday in UTC.
        "c5": complaint(maggie, "quality", local(2030, 3, 11, 0, 30), about=o[5]),
        # In the repeat window (W03) but not the week; before the window (W02).
        "c0": complaint(maggie, "billing", local(2030, 1, 15), about=o[6]),
        "c00": complaint(maggie, "other", local(2030, 1, 10), who=baltic),
    }
    return o, c, {"acme": acme, "baltic": baltic, "delta": delta}


def test_the_quality_figures_of_a_week(history, o2c):
    _, _, clients = history
    assert quality_weekly_figures(o2c, WEEK) == {
        "complaints": 4,  # c1, c2, c3, c4
        "shipped": 5,  # orders 1, 2, 3, 4, 7
        "per_100_shipped": 80.0,  # 4 / 5 x 100
        "repeat_weeks": 8,
        # Acme: c0 (Jan 15), c1, c3; Baltic: c2 (c00 is before the window); Delta: c4.
        "repeat_clients": 1,
        "repeat": [{"client": clients["acme"].pk, "name": "Acme Tools", "complaints": 3}],
        "by_reason": {"damaged": 2, "late": 1, "wrong_item": 1},
        # Ties by the reasons' order: late before wrong item.
        "top_reasons": [
            {"reason": "damaged", "label": "Damaged goods", "complaints": 2},
            {"reason": "late", "label": "Late delivery", "complaints": 1},
            {"reason": "wrong_item", "label": "Wrong item", "complaints": 1},
        ],
    }


def test_the_next_week_and_a_week_without_shipments(history, o2c):
    w11 = quality_weekly_figures(o2c, "2030-W11")
    # c5 (Monday Mar 11, 00:30 in Berlin) about order 5, shipped that day: 1 / 1 x 100
    assert (w11["complaints"], w11["shipped"], w11["per_100_shipped"]) == (1, 1, 100.0)
    w12 = quality_weekly_figures(o2c, "2030-W12")
    assert (w12["complaints"], w12["shipped"], w12["per_100_shipped"]) == (0, 0, None)
    # The window from Jan 28: Acme (c1, c3) and Baltic (c2, c5); c0 has left it.
    assert (w12["top_reasons"], w12["repeat_clients"]) == ([], 2)


def test_each_number_selects_its_cards(history, o2c):
    o, c, clients = history

    def ids(figure, key=None):
        return quality_cards(o2c, WEEK, figure, key)["ids"]

    assert ids("complaints") == sorted(c[k].pk for k in ("c1", "c2", "c3", "c4"))
    assert ids("complaints", "damaged") == sorted([c["c1"].pk, c["c2"].pk])
    assert ids("shipped") == sorted(o[n].pk for n in (1, 2, 3, 4, 7))
    assert ids("repeat") == sorted(c[k].pk for k in ("c0", "c1", "c3"))
    assert ids("repeat", str(clients["acme"].pk)) == ids("repeat")
    assert ids("repeat", str(clients["baltic"].pk)) == []
    assert quality_cards(o2c, WEEK, "nonsense", None) is None
    assert quality_cards(o2c, WEEK, "complaints", "damaged")["key_label"] == "Damaged goods"


def test_a_process_that_does_not_ship_has_no_quality_section(history, service):
    assert quality_weekly_figures(service, WEEK) is None


def test_the_figures_are_kept_with_the_weeks_snapshot(history, o2c):
    weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)
    rows = {
        (metric, dimension): value
        for metric, dimension, value in WeeklyFigure.objects.filter(
            snapshot__process=o2c, snapshot__week=WEEK, metric__startswith="quality."
        ).values_list("metric", "dimension", "value")
    }
    assert rows[("quality.per_100_shipped", "")] == 80.0
    assert rows[("quality.repeat_clients", "")] == 1.0
    # by_reason is a dimension of the snapshot's rows (as the exceptions' reasons are).
    assert rows[("quality.by_reason", "damaged")] == 2.0


def test_the_catalogue_names_them_and_reads_the_snapshot(history, o2c, maggie):
    """The quality figures are the catalogue's entries (key results, decisions and the catalogue
    API name them): each reads its row of the week's snapshot, its cards the section's."""
    weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)
    rows = dict(
        WeeklyFigure.objects.filter(
            snapshot__process=o2c, snapshot__week=WEEK, dimension=""
        ).values_list("metric", "value")
    )
    entries = {k: m for k, m in METRICS.items() if m.figure.startswith("quality.")}
    assert {k: (m.unit, m.better, m.cards, rows[m.figure]) for k, m in entries.items()} == {
        "complaints": ("cards", "down", "quality.complaints", 4.0),
        "shipped_orders": ("cards", "up", "quality.shipped", 5.0),
        "complaints_per_100_shipped": ("percent", "down", "", 80.0),
        "repeat_complaint_clients": ("clients", "down", "quality.repeat", 1.0),
    }
    # The label's window is service's.
    assert f"({REPEAT_WEEKS} weeks)" in METRICS["repeat_complaint_clients"].label
    api = APIClient()
    api.force_authenticate(maggie)
    listed = {m["metric"]: m for m in api.get("/api/metrics/catalogue/").json()}
    assert listed["complaints_per_100_shipped"] | {"dimensions": []} == {
        "metric": "complaints_per_100_shipped",
        "label": "Complaints per 100 shipped orders",
        "unit": "percent",
        "better": "down",
        "dimensions": [],
        "dimension_kind": "",
        "dimension_required": False,
        "figure": "quality.per_100_shipped",
    }
