"""GET /api/processes/ with input, output, owner, participants, goals and headline figures, and
GET /api/processes/{slug}/rules/: readable by every role holder, 404 for outsiders."""

from datetime import date

import pytest

from goals.models import Goal
from metrics.models import WeeklySnapshot
from metrics.weeks import iso_week_bounds
from tests.processes.test_api import api_as


@pytest.fixture
def o2c_described(o2c, bob):
    o2c.input = "A request from a client"
    o2c.output = "A paid, shipped order"
    o2c.owner = bob
    o2c.save()
    return o2c


def test_processes_say_input_output_owner_participants_goals_and_headline(
    o2c_described, alice, bob, olga
):
    goal = Goal.objects.create(
        title="Ship on time", owner=bob, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    goal.processes.add(o2c_described)
    start, end = iso_week_bounds(o2c_described, "2026-W46")
    figures = {
        "wip": {"total": 12},
        "throughput": {"total": 9},
        "cycle_time": {"week": {"p85": 4.25}},
        "sla": {"breaches": 2},
    }
    WeeklySnapshot.objects.create(
        process=o2c_described,
        week="2026-W46",
        week_start=start,
        week_end=end,
        as_of=end,
        complete=True,
        figures=figures,
    )
    [body] = api_as(olga).get("/api/processes/").json()
    assert body["input"] == "A request from a client"
    assert body["output"] == "A paid, shipped order"
    assert body["owner"] == "bob"
    assert body["participants"] == [
        {"user": "bob", "role": "accountable"},
        {"user": "olga", "role": "approver"},
        {"user": "alice", "role": "executor"},
    ]
    assert body["goals"] == [goal.pk]
    assert body["headline"] == {
        "week": "2026-W46",
        "wip": 12,
        "throughput": 9,
        "cycle_time_p85_days": 4.25,
        "breaches": 2,
    }
    detail = api_as(alice).get("/api/processes/order-to-cash/").json()
    assert detail["participants"] == body["participants"] and detail["goals"] == [goal.pk]


def test_a_process_without_figures_or_goals_says_so(o2c, alice):
    [body] = api_as(alice).get("/api/processes/").json()
    assert body["goals"] == [] and body["headline"] == {} and body["owner"] is None


def test_rules_of_the_game_for_every_role_holder(o2c, alice, olga):
    for user in (alice, olga):
        rules = api_as(user).get("/api/processes/order-to-cash/rules/").json()
        statuses = {s["slug"]: s for s in rules["statuses"]}
        assert list(statuses)[0] == "received"
        assert statuses["received"]["next_action"]
        assert statuses["received"]["sla"][0]["allowance_business_hours"] > 0
        moves = {t["name"]: t for t in rules["transitions"]}
        assert moves["qualify"]["from"] == ["received"] and moves["qualify"]["to"] == "qualified"
        assert any(t["approvals"] for t in rules["transitions"])
        assert rules["exception_rules"] and rules["block_reasons"]
        assert rules["calendar"]["timezone"] == "Europe/Berlin"


def test_outsiders_get_404_and_writes_405(o2c, alice, charlie):
    assert api_as(charlie).get("/api/processes/order-to-cash/rules/").status_code == 404
    assert api_as(alice).post("/api/processes/order-to-cash/rules/", {}).status_code == 405


def test_rules_cost_a_fixed_number_of_queries(o2c, alice, django_assert_num_queries):
    client = api_as(alice)
    client.get("/api/processes/order-to-cash/rules/")  # the token's first use writes its login
    with django_assert_num_queries(15):  # 13, and the rhythm with who holds its roles
        client.get("/api/processes/order-to-cash/rules/")
    o2c.block_reasons.create(slug="waiting-for-bank", name="Waiting for the bank", order=9)
    with django_assert_num_queries(15):  # 13, and the rhythm with who holds its roles
        client.get("/api/processes/order-to-cash/rules/")


def test_processes_page_and_rules_page(client, o2c_described, alice, olga, charlie):
    client.force_login(olga)
    page = client.get("/processes/").content.decode()
    assert "A request from a client" in page and "alice (executor)" in page
    rules = client.get("/processes/order-to-cash/").content.decode()
    assert 'data-transition="qualify"' in rules and 'data-status="received"' in rules
    client.force_login(charlie)
    assert client.get("/processes/order-to-cash/").status_code == 404
    assert "order-to-cash" not in client.get("/processes/").content.decode()
    assert client.post("/processes/").status_code == 405
