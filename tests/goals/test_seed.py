"""The demo goals: made from the stored snapshots, safe to repeat."""

import pytest
import time_machine
from django.core.management import call_command

from goals.models import CheckIn, Goal, KeyResult, KeyResultWeek
from tests.goals.conftest import NOW


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_seed_demo_goals_is_safe_to_repeat(o2c):
    call_command("seed_demo", cards=40, verbosity=0)
    call_command("metrics_backfill", verbosity=0)
    call_command("seed_demo_goals", verbosity=0)
    call_command("seed_demo_goals", verbosity=0)

    # The four goals and the company goal three of them serve (goals/selectors/tree.py).
    assert Goal.objects.count() == 5
    company = Goal.objects.get(title="Grow profitably with the clients we have")
    assert (company.state, company.processes.count()) == ("active", 0)
    assert sorted(company.children.values_list("title", flat=True)) == [
        "End the chaos in shipments",
        "Grow repeat sales",
        "Raise profitability without adding staff",
    ]
    assert KeyResult.objects.count() == 6
    assert KeyResult.objects.filter(baseline__isnull=True).count() == 0
    assert KeyResultWeek.objects.filter(complete=True).count() == 6 * 8
    assert CheckIn.objects.count() == 4 * 8 + 2 * 6
    slogan = Goal.objects.get(title="Be the customer's first choice")
    assert slogan.key_results.count() == 0 and slogan.owner is None
    assert slogan.parent is None  # serves no company goal: model health says so
