"""Goals that cascade (issue 26, point 7): a goal may serve a parent, no cycles, the goals page
shows the tree, a parent's state is its worst sub-goal's or key result's, and model health
checks that every process goal serves a company goal (goals/selectors/tree.py)."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from goals import selectors, services
from goals.definitions import GoalState, KRState
from goals.models import KeyResultWeek
from opmodel.errors import InvalidInput
from reviews.selectors.health import model_health
from tests.goals.conftest import NOW

WEEK, WEEK_START = "2026-W47", datetime(2026, 11, 15, 23, tzinfo=UTC)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def state_of(kr, state: str) -> None:
    """The key result's latest complete week, as the weekly writer stores it."""
    KeyResultWeek.objects.filter(key_result=kr).delete()
    KeyResultWeek.objects.create(
        key_result=kr, week=WEEK, week_start=WEEK_START, complete=True, value=1, state=state
    )


@pytest.fixture
def tree(make_goal, add_kr):
    """Grow the business (company goal, no process)
    ├── Ship on time (key result on track)
    │   └── Pick faster (key result off track)
    ├── Price right (key result at risk)
    └── Old idea (dropped; key result broken: not counted)"""
    company = make_goal("Grow the business", processes=[])
    ship = make_goal("Ship on time", parent=company)
    pick = make_goal("Pick faster", parent=ship)
    price = make_goal("Price right", parent=company)
    old = make_goal("Old idea", parent=company, state=GoalState.DROPPED)
    state_of(add_kr(ship), KRState.ON_TRACK)
    state_of(add_kr(pick, "lead_time_p85"), KRState.OFF_TRACK)
    state_of(add_kr(price, "win_rate", target=40), KRState.AT_RISK)
    state_of(add_kr(old, "wip", target=10), KRState.BROKEN)
    return {"company": company, "ship": ship, "pick": pick, "price": price, "old": old}


def health(bob) -> dict[str, str | None]:
    return {v.goal.title: v.health for v in selectors.goals_for(user=bob, now=NOW)}


def test_a_parents_state_is_its_worst_sub_goals_or_key_results(tree, bob):
    assert health(bob) == {
        "Grow the business": KRState.OFF_TRACK,  # through Ship on time <- Pick faster
        "Ship on time": KRState.OFF_TRACK,  # its own on track, its sub-goal off track
        "Pick faster": KRState.OFF_TRACK,
        "Price right": KRState.AT_RISK,
        "Old idea": KRState.BROKEN,
    }
    state_of(tree["pick"].key_results.get(), KRState.ACHIEVED)
    assert health(bob) == {
        "Grow the business": KRState.AT_RISK,  # Price right is now the worst below it
        "Ship on time": KRState.ON_TRACK,
        "Pick faster": KRState.ACHIEVED,
        "Price right": KRState.AT_RISK,
        "Old idea": KRState.BROKEN,  # dropped: its own state, not counted above
    }


def test_no_cycles_and_the_400_names_the_field(tree, bob):
    with pytest.raises(InvalidInput) as refused:
        services.goal_update(
            actor=bob, goal=tree["company"], changes={"parent": tree["pick"]}, now=NOW
        )
    assert refused.value.errors == {
        "parent": [
            "“Pick faster” already serves this goal: a goal cannot serve one of its own sub-goals."
        ]
    }
    client = api(bob)
    itself = client.patch(
        f"/api/goals/{tree['ship'].pk}/", {"parent": tree["ship"].pk}, format="json"
    )
    assert itself.status_code == 400
    assert itself.json() == {"parent": ["A goal cannot serve itself: choose another goal."]}
    unknown = client.patch(f"/api/goals/{tree['ship'].pk}/", {"parent": 999999}, format="json")
    assert (unknown.status_code, unknown.json()) == (
        400,
        {"parent": ["No goal 999999 that you may see."]},
    )
    tree["company"].refresh_from_db()
    assert tree["company"].parent_id is None


def test_the_api_reads_and_writes_the_parent(tree, bob):
    client = api(bob)
    goals = {g["title"]: g for g in client.get("/api/goals/").json()}
    company, ship = goals["Grow the business"], goals["Ship on time"]
    assert (company["parent"], company["company"], company["health"]) == (None, True, "off_track")
    assert sorted(company["children"]) == sorted(
        [tree["ship"].pk, tree["price"].pk, tree["old"].pk]
    )
    assert (ship["parent"], ship["children"], ship["company"]) == (
        tree["company"].pk,
        [tree["pick"].pk],
        False,
    )
    moved = client.patch(
        f"/api/goals/{tree['pick'].pk}/", {"parent": tree["price"].pk}, format="json"
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["parent"] == tree["price"].pk
    top = client.patch(f"/api/goals/{tree['pick'].pk}/", {"parent": None}, format="json")
    assert (top.status_code, top.json()["parent"]) == (200, None)


def test_the_goals_page_shows_the_tree(tree, bob, client):
    client.force_login(bob)
    page = client.get("/goals/").content.decode()
    order = [
        (title, page.index(f">{title}</a></h2>"))
        for title in ["Grow the business", "Ship on time", "Pick faster", "Price right"]
    ]
    assert [t for t, _ in sorted(order, key=lambda x: x[1])] == [
        "Grow the business",
        "Ship on time",
        "Pick faster",
        "Price right",
    ]
    for goal, depth in [("company", 0), ("ship", 1), ("pick", 2), ("price", 1)]:
        assert f'data-goal="{tree[goal].pk}" data-depth="{depth}"' in page
    assert "Company goal" in page
    assert f'data-parent="{tree["company"].pk}">Grow the business</a>' in page


def test_model_health_checks_every_process_goal_serves_a_company_goal(tree, make_goal, o2c):
    def check():
        found = next(c for c in model_health(o2c, now=NOW).checklist if c.slug == "goals_serve")
        return found.ok, found.detail

    assert check() == (True, "3 process goals, each serving a company goal")
    orphan = make_goal("Answer faster")  # top-level, tied to the process, no sub-goal
    assert check() == (False, "serving none: Answer faster")
    services.goal_update(actor=orphan.created_by, goal=orphan, changes={"parent": tree["company"]},
                         now=NOW)  # fmt: skip
    assert check() == (True, "4 process goals, each serving a company goal")
    # A company goal no longer active: its process goals serve none.
    services.goal_update(
        actor=orphan.created_by, goal=tree["company"], changes={"state": "dropped"}, now=NOW
    )
    assert check() == (
        False,
        "serving none: Ship on time, Pick faster, Price right, Answer faster",
    )


def test_only_company_goals_count_towards_the_active_limit(make_goal):
    tops = [make_goal(f"Company {n}") for n in range(5)]
    make_goal("A sub-goal", parent=tops[0])  # the sixth active goal: a sub-goal, allowed
    with pytest.raises(InvalidInput) as refused:
        make_goal("Company 6")
    assert "state" in refused.value.errors
