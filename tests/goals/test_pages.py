"""The goal pages: what they show, their forms, who may open them, and fixed query counts."""

from datetime import timedelta

import pytest
from django.test import Client

from goals import services
from tests.goals.conftest import CYCLE, NOW, snapshot


def login(user) -> Client:
    # force_login: Client.login() authenticates without a request, which django-axes refuses.
    client = Client()
    client.force_login(user)
    return client


def test_the_goals_page_shows_key_results_with_state_and_the_drill_down(
    o2c, bob, make_goal, add_kr, cycle_weeks
):
    snapshot(o2c, "2026-W47", {CYCLE: 8.5})
    goal = make_goal()
    add_kr(goal, target=6.5)
    make_goal("Be great", owner=None, processes=[o2c], cadence="")

    html = login(bob).get("/goals/").content.decode()

    assert "Ship on time" in html and "At risk" in html
    assert "10.5 d" in html and "8.5 d" in html and "6.5 d" in html and "50%" in html
    assert (
        'href="/dashboards/weekly/cards/?process=order-to-cash&amp;week=2026-W47'
        '&amp;metric=cycle_time"' in html
    )
    assert "Still a slogan" in html and "No owner: who answers for it?" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-run') == 1


def test_the_goal_page_and_its_forms(o2c, bob, make_goal, add_kr, cycle_weeks):
    goal = make_goal()
    client = login(bob)
    page = client.get(f"/goals/{goal.pk}/").content.decode()
    assert "Add key result" in page and "Mark" not in page

    refused = client.post(
        f"/goals/{goal.pk}/key-results/new/",
        {"process": o2c.pk, "metric": "cycle_time_p85", "kind": "target", "target": "10.5",
         "deadline": "2026-12-31"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "The target equals the baseline (10.5)" in refused.content.decode()

    added = client.post(
        f"/goals/{goal.pk}/key-results/new/",
        {"process": o2c.pk, "metric": "cycle_time_p85", "kind": "target", "target": "6.5",
         "deadline": "2026-12-31"},
    )  # fmt: skip
    assert added.status_code == 302
    kr = goal.key_results.get()
    checked = client.post(
        f"/goals/key-results/{kr.pk}/check-ins/", {"confidence": "7", "comment": "On it"}
    )
    assert checked.status_code == 302
    page = client.get(f"/goals/{goal.pk}/").content.decode()
    assert "median of 2026-W33 to 2026-W36" in page and "On it" in page

    created = client.post(
        "/goals/new/",
        {"title": "", "starts_on": "2026-09-07", "ends_on": "2026-09-01", "state": "active"},
    )
    assert created.status_code == 400
    assert "This field is required." in created.content.decode()


def test_the_key_result_form_takes_shares_in_percent_and_lists_dimensions(o2c, bob, make_goal):
    goal = make_goal()
    client = login(bob)
    form = client.get(f"/goals/{goal.pk}/key-results/new/").content.decode()
    # The dimension is picked from the catalogue's lists, by name.
    assert '<select name="dimension"' in form
    assert '<option value="website">Website</option>' in form
    assert '<option value="closed">Closed</option>' in form
    fields = {"process": o2c.pk, "metric": "on_time_share", "kind": "target",
              "deadline": "2026-12-31"}  # fmt: skip
    refused = client.post(f"/goals/{goal.pk}/key-results/new/", {**fields, "target": "150"})
    assert refused.status_code == 400
    assert "A share is entered in percent, from 0 to 100 (90 for 90%)." in refused.content.decode()
    added = client.post(f"/goals/{goal.pk}/key-results/new/", {**fields, "target": "90"})
    assert added.status_code == 302
    assert goal.key_results.get().target == pytest.approx(0.9)
    assert "90%" in client.get(f"/goals/{goal.pk}/").content.decode()


def test_a_key_result_without_a_complete_week_says_when_the_first_ends(o2c, bob, make_goal, add_kr):
    goal = make_goal(
        starts_on=NOW.date() - timedelta(days=1), ends_on=NOW.date() + timedelta(days=90)
    )
    add_kr(goal, target=6.5, deadline=None, kind="guardrail")
    page = login(bob).get(f"/goals/{goal.pk}/").content.decode()
    # Period from Tue Nov 24, 2026: its first complete week is Mon Nov 30 to Sun Dec 6.
    assert "the first complete week of the period ends on Dec 6, 2026" in page


def test_outsiders_get_404_and_the_executor_403(alice, charlie, make_goal, add_kr):
    goal = make_goal()
    kr = add_kr(goal, "intake", target=30)
    for url in [
        f"/goals/{goal.pk}/",
        f"/goals/{goal.pk}/edit/",
        f"/goals/{goal.pk}/key-results/new/",
    ]:
        assert login(charlie).get(url).status_code == 404
    assert login(charlie).post(f"/goals/key-results/{kr.pk}/check-ins/", {}).status_code == 404
    assert login(alice).post(f"/goals/{goal.pk}/edit/", {"title": "x", "starts_on": "2026-09-07",
        "ends_on": "2027-01-01", "state": "active"}).status_code == 403  # fmt: skip
    assert (
        login(alice)
        .post(f"/goals/key-results/{kr.pk}/check-ins/", {"confidence": "5", "comment": "x"})
        .status_code
        == 403
    )
    assert login(alice).get("/goals/new/").status_code == 403
    assert login(alice).get(f"/goals/{goal.pk}/edit/").status_code == 403  # no form to ops
    assert Client().get("/goals/").status_code == 302  # to the login page


def _more(o2c, bob, make_goal, add_kr, n):
    """n more goals (drafts beyond the five), each with three key results, 10 weeks of rows
    and three check-ins."""
    for i in range(n):
        goal = make_goal(f"More {i}", state="active" if i < 3 else "draft")
        for metric in ["intake", "wip", "throughput"]:
            kr = add_kr(goal, metric, target=50)
            for k in range(3):
                services.check_in_create(
                    actor=bob, key_result=kr, confidence=k, comment="x", now=NOW - timedelta(days=k)
                )
    for w in range(38, 48):
        snapshot(o2c, f"2026-W{w}", {"intake.total": w, "wip.total": 3, "throughput.total": 4})
        services.key_results_record_week(process_id=o2c.pk, week=f"2026-W{w}")


def test_goal_pages_run_a_fixed_number_of_queries(
    o2c, bob, make_goal, add_kr, cycle_weeks, django_assert_num_queries
):
    goal = make_goal()
    add_kr(goal, target=6.5)
    client = login(bob)
    # The goal tree (goals/selectors/tree.py): its goals, its key results' states and the goals
    # the user sees, three queries whatever their number.
    with django_assert_num_queries(12):
        assert client.get("/goals/").status_code == 200
    with django_assert_num_queries(14):
        assert client.get(f"/goals/{goal.pk}/").status_code == 200

    _more(o2c, bob, make_goal, add_kr, 4)

    with django_assert_num_queries(12):
        html = client.get("/goals/").content.decode()
    assert html.count("data-goal=") == 4
    with django_assert_num_queries(14):
        assert client.get(f"/goals/{goal.pk}/").status_code == 200


def test_the_weekly_dashboard_shows_the_process_key_results_at_the_top(
    o2c, alice, make_goal, add_kr, cycle_weeks
):
    from metrics.models import WeeklyFigure
    from metrics.services import weekly_snapshot_compute

    # The dashboard needs a whole snapshot: a real one (no cards), its P85 then set by hand.
    weekly_snapshot_compute(process_id=o2c.pk, week="2026-W47", now=NOW)
    WeeklyFigure.objects.filter(snapshot__week="2026-W47", metric=CYCLE).update(value=8.5)
    add_kr(make_goal(), target=6.5)

    html = login(alice).get("/dashboards/weekly/", {"process": "order-to-cash"}).content.decode()

    panel = html.split('data-testid="key-results-panel"', 1)[1].split("</section>", 1)[0]
    assert "Ship on time" in panel and "Cycle time, 85th percentile" in panel
    assert "10.5 d" in panel and "8.5 d" in panel and "50%" in panel and "At risk" in panel
    assert html.index("key-results-panel") < html.index('data-testid="as-of"')
