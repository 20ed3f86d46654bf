"""The goals API contract (issue 12, section 9)."""

import pytest
from rest_framework.test import APIClient

from tests.goals.conftest import CYCLE, snapshot


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_catalogue(alice):
    response = api(alice).get("/api/metrics/catalogue/")
    assert response.status_code == 200
    by_key = {m["metric"]: m for m in response.json()}
    assert by_key["cycle_time_p85"] | {"dimensions": []} == {
        "metric": "cycle_time_p85",
        "label": "Cycle time, 85th percentile",
        "unit": "days",
        "better": "down",
        "dimensions": [],
        "dimension_kind": "",
        "dimension_required": False,
        "figure": "cycle_time.week.p85",
    }
    assert "website" in by_key["intake"]["dimensions"]
    assert "closed" in by_key["conversion"]["dimensions"]


def test_create_a_goal_and_a_key_result_then_read_them(bob, o2c, cycle_weeks):
    snapshot(o2c, "2026-W47", {CYCLE: 8.5})
    client = api(bob)
    created = client.post(
        "/api/goals/",
        {
            "title": "End the chaos in shipments",
            "why": "Late deliveries cost repeat orders.",
            "owner": bob.pk,
            "starts_on": "2026-09-07",
            "ends_on": "2027-02-28",
            "cadence": "weekly",
            "processes": ["order-to-cash"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    goal = created.json()
    assert (goal["state"], goal["processes"], goal["slogan"]) == (
        "active",
        ["order-to-cash"],
        ["No key result backed by a metric: how will it be measured?"],
    )

    kr = client.post(
        f"/api/goals/{goal['id']}/key-results/",
        {"process": "order-to-cash", "metric": "cycle_time_p85", "kind": "target",
         "target": 6.5, "deadline": "2026-12-31"},
        format="json",
    )  # fmt: skip
    assert kr.status_code == 201, kr.json()
    body = kr.json()
    assert {k: body[k] for k in ["baseline", "current", "progress", "state", "current_week"]} == {
        "baseline": 10.5,
        "current": 8.5,
        "progress": 0.5,
        "state": "at_risk",
        "current_week": "2026-W47",
    }

    listed = client.get("/api/goals/", {"active_on": "2026-11-25", "process": "order-to-cash"})
    (item,) = listed.json()
    assert set(item) >= {"id", "title", "why", "owner", "starts_on", "ends_on", "state",
                         "cadence", "processes", "slogan", "key_results"}  # fmt: skip
    assert item["health"] == "at_risk" and item["slogan"] == []
    assert set(item["key_results"][0]) >= {"id", "process", "metric", "dimension", "kind",
        "baseline", "current", "target", "deadline", "progress", "state"}  # fmt: skip
    assert client.get("/api/goals/", {"active_on": "2027-03-01"}).json() == []

    history = client.get(f"/api/key-results/{body['id']}/history/").json()
    assert history == [
        {"week": "2026-W47", "value": 8.5, "progress": 0.5, "state": "at_risk", "complete": True}
    ]

    patched = client.patch(f"/api/goals/{goal['id']}/", {"state": "done"}, format="json")
    assert patched.status_code == 200 and patched.json()["state"] == "done"


@pytest.fixture
def goal_kr(make_goal, add_kr, bob):
    return add_kr(make_goal(owner=bob), "intake", target=30)


def test_errors_are_400_with_field_errors(bob, make_goal, goal_kr):
    client = api(bob)
    assert client.post(
        "/api/goals/", {"title": "X", "starts_on": "2026-09-07", "ends_on": "2027-01-01",
                        "processes": ["nowhere"]}, format="json"
    ).json() == {"processes": ["No process “nowhere” among yours."]}  # fmt: skip
    for n in range(4):
        make_goal(f"Goal {n}")
    sixth = client.post(
        "/api/goals/", {"title": "Sixth", "starts_on": "2026-10-01", "ends_on": "2026-12-01"},
        format="json",
    )  # fmt: skip
    assert sixth.status_code == 400
    assert "At most 5 goals active on any day" in sixth.json()["state"][0]
    bad = client.post(
        f"/api/goals/{goal_kr.goal_id}/key-results/",
        {"process": "order-to-cash", "metric": "nope", "target": 1, "deadline": "2030-01-01"},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()) == {"metric", "deadline"}


def test_who_may_do_what(alice, bob, charlie, goal_kr):
    goal_id = goal_kr.goal_id
    for url in [f"/api/goals/{goal_id}/", f"/api/key-results/{goal_kr.pk}/history/"]:
        assert api(charlie).get(url).status_code == 404
    assert api(charlie).get("/api/goals/").json() == []
    assert (
        api(charlie)
        .post(f"/api/key-results/{goal_kr.pk}/check-ins/", {"confidence": 5, "comment": "x"})
        .status_code
        == 404
    )
    assert api(alice).patch(f"/api/goals/{goal_id}/", {"title": "x"}).status_code == 403
    assert (
        api(alice)
        .post(f"/api/key-results/{goal_kr.pk}/check-ins/", {"confidence": 5, "comment": "x"})
        .status_code
        == 403
    )
    done = api(bob).post(
        f"/api/key-results/{goal_kr.pk}/check-ins/", {"confidence": 11, "comment": "x"}
    )
    assert done.status_code == 400 and set(done.json()) == {"confidence"}
    done = api(bob).post(
        f"/api/key-results/{goal_kr.pk}/check-ins/", {"confidence": 8, "comment": "Going well"}
    )
    assert done.status_code == 201 and done.json()["author"] == "bob"
    assert APIClient().get("/api/goals/").status_code in (401, 403)


def test_a_share_target_is_entered_and_shown_in_percent(bob, o2c, make_goal):
    goal = make_goal()
    client = api(bob)
    url = f"/api/goals/{goal.pk}/key-results/"
    fields = {"process": "order-to-cash", "metric": "on_time_share", "kind": "target",
              "deadline": "2026-12-31"}  # fmt: skip
    refused = client.post(url, {**fields, "target": 150}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "target": ["A share is entered in percent, from 0 to 100 (90 for 90%)."]
    }
    assert not goal.key_results.exists()
    added = client.post(url, {**fields, "target": 90}, format="json")
    assert added.status_code == 201, added.json()
    assert added.json()["target"] == 90
    assert goal.key_results.get().target == pytest.approx(0.9)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        ("2026-09-07", "9999-12-31", "ends_on"),  # the active limit's day after the end
        ("0001-01-01", "0001-06-30", "starts_on"),  # the baseline weeks before the start
        ("9999-06-01", "9999-12-31", "starts_on"),  # the period's weeks past the last date
        ("2026-09-07", "2036-09-06", "ends_on"),  # ten years: not "the next 6-12 months"
    ],
)
def test_a_goal_period_leaving_the_calendar_is_a_400_naming_the_field(
    bob, o2c, starts_on, ends_on, field
):
    client = api(bob)
    payload = {"title": "Forever", "starts_on": starts_on, "ends_on": ends_on}
    payload |= {"owner": bob.pk, "processes": ["order-to-cash"]}

    answer = client.post("/api/goals/", payload, format="json")

    assert answer.status_code == 400
    assert field in answer.json()


def test_moving_a_goal_to_the_last_day_of_the_calendar_is_a_400(bob, make_goal):
    goal = make_goal()

    answer = api(bob).patch(f"/api/goals/{goal.pk}/", {"ends_on": "9999-12-31"}, format="json")

    assert answer.status_code == 400
    assert "ends_on" in answer.json()


def test_a_goal_owner_with_no_role_in_its_processes_is_refused(bob, charlie, o2c):
    payload = {"title": "Margin", "starts_on": "2026-09-07", "ends_on": "2027-02-28"}
    payload |= {"owner": charlie.pk, "processes": ["order-to-cash"]}

    answer = api(bob).post("/api/goals/", payload, format="json")

    assert answer.status_code == 400
    assert answer.json() == {
        "owner": ["The owner must hold a role in one of the goal's processes."]
    }


def test_a_goal_cannot_be_handed_to_an_owner_with_no_role(bob, charlie, make_goal):
    goal = make_goal()

    answer = api(bob).patch(f"/api/goals/{goal.pk}/", {"owner": charlie.pk}, format="json")

    assert answer.status_code == 400
    assert "owner" in answer.json()
    goal.refresh_from_db()
    assert goal.owner_id != charlie.pk


def test_an_owner_who_lost_their_roles_can_no_longer_check_in(bob, goal_kr):
    from roles.models import ProcessRole

    ProcessRole.objects.filter(user=bob).delete()
    bob = type(bob).objects.get(pk=bob.pk)  # no role map cached from before

    answer = api(bob).post(
        f"/api/key-results/{goal_kr.pk}/check-ins/", {"confidence": 7, "comment": "Fine"},
        format="json",
    )  # fmt: skip

    assert answer.status_code in (403, 404)
    assert not goal_kr.check_ins.exists()
