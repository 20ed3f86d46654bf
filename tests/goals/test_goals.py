"""Goals: at most five active on any day, the slogan flag, who may see, edit and check in,
and the check-in reminder sent once."""

from datetime import date, timedelta

import pytest
from django.core import mail

from goals import services
from goals.models import CheckInReminder
from goals.selectors import goals_for
from notifications.models import Notification
from opmodel.errors import Forbidden, InvalidInput
from tests.goals.conftest import NOW


def test_a_sixth_goal_active_on_some_day_is_refused(make_goal):
    for n in range(4):
        make_goal(f"Goal {n}")
    # Overlaps the four others only from January: five on any day then, still allowed.
    make_goal("Fifth", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30))
    make_goal("Draft", state="draft")

    with pytest.raises(InvalidInput) as refused:
        make_goal("Sixth", starts_on=date(2027, 2, 1), ends_on=date(2027, 3, 31))

    (message,) = refused.value.errors["state"]
    assert message.startswith(
        "At most 5 goals active on any day: 5 are already active on 2027-02-01"
    )
    # Not overlapping the crowded days, the same goal is fine.
    make_goal("Later", starts_on=date(2027, 3, 1), ends_on=date(2027, 8, 31))


def test_activating_a_draft_counts_too(make_goal):
    for n in range(5):
        make_goal(f"Goal {n}")
    draft = make_goal("Draft", state="draft")
    with pytest.raises(InvalidInput):
        services.goal_update(
            actor=draft.created_by, goal=draft, changes={"state": "active"}, now=NOW
        )


def test_the_slogan_flag_appears_and_leaves_as_the_parts_are_added(bob, o2c, make_goal, add_kr):
    goal = make_goal("Be the best", owner=None, cadence="", processes=[])

    (view,) = goals_for(user=bob, now=NOW)
    assert view.slogan == [
        "No process: which stream of work does it change?",
        "No owner: who answers for it?",
        "No key result backed by a metric: how will it be measured?",
        "No review cadence: which review looks at it?",
    ]

    services.goal_update(actor=bob, goal=goal, changes={"processes": [o2c], "owner": bob}, now=NOW)
    add_kr(goal, "intake", target=30)
    (view,) = goals_for(user=bob, now=NOW)
    assert view.slogan == ["No review cadence: which review looks at it?"]

    services.goal_update(actor=bob, goal=goal, changes={"cadence": "monthly"}, now=NOW)
    (view,) = goals_for(user=bob, now=NOW)
    assert view.slogan == []


def test_who_sees_goals(make_goal, alice, olga, charlie):
    make_goal()
    assert [len(goals_for(user=u, now=NOW)) for u in (alice, olga, charlie)] == [1, 1, 0]


def test_the_accountable_role_edits_and_the_executor_may_not(make_goal, add_kr, alice, bob):
    goal = make_goal()
    services.goal_update(actor=bob, goal=goal, changes={"title": "Ship on time, always"}, now=NOW)

    with pytest.raises(Forbidden):
        services.goal_update(actor=alice, goal=goal, changes={"title": "Mine"}, now=NOW)
    with pytest.raises(Forbidden):
        add_kr(goal, "intake", target=30, actor=alice)
    with pytest.raises(Forbidden):
        services.goal_create(
            actor=alice,
            title="Mine",
            starts_on=date(2026, 9, 7),
            ends_on=date(2027, 2, 28),
            now=NOW,
        )


def test_only_the_owner_checks_in(make_goal, add_kr, alice, bob):
    kr = add_kr(make_goal(owner=alice), "intake", target=30)

    with pytest.raises(Forbidden, match="Only the goal's owner, alice, checks in."):
        services.check_in_create(actor=bob, key_result=kr, confidence=7, comment="Fine", now=NOW)
    check_in = services.check_in_create(
        actor=alice, key_result=kr, confidence=7, comment="Fine", now=NOW
    )
    assert (check_in.confidence, check_in.author) == (7, alice)


def test_the_same_check_in_sent_twice_is_written_once(make_goal, add_kr, alice):
    kr = add_kr(make_goal(owner=alice), "intake", target=30)

    first = services.check_in_create(
        actor=alice, key_result=kr, confidence=7, comment="Fine", now=NOW
    )
    again = services.check_in_create(
        actor=alice, key_result=kr, confidence=7, comment=" Fine ", now=NOW + timedelta(seconds=2)
    )
    other = services.check_in_create(
        actor=alice, key_result=kr, confidence=6, comment="Fine", now=NOW
    )

    assert again.pk == first.pk and other.pk != first.pk
    assert kr.check_ins.count() == 2


@pytest.fixture
def overdue_kr(make_goal, add_kr, alice):
    """A weekly goal owned by alice, checked in on Mon 2026-11-09 10:00 UTC."""
    kr = add_kr(make_goal(owner=alice), "intake", target=30, now=NOW - timedelta(days=30))
    services.check_in_create(
        actor=alice,
        key_result=kr,
        confidence=6,
        comment="Started",
        now=NOW.replace(month=11, day=9, hour=10),
    )
    return kr


def test_a_check_in_is_due_after_the_cadence_plus_two_business_days(overdue_kr):
    # Mon Nov 16 10:00 UTC (11:00 in Berlin) + 2 business days of 9 hours: Wed Nov 18 11:00.
    (view,) = goals_for(user=overdue_kr.goal.owner, now=NOW)
    (kr,) = view.key_results
    assert kr.due_at.isoformat() == "2026-11-18T10:00:00+00:00"
    assert kr.overdue


def test_the_owner_is_reminded_once_per_overdue_spell(
    overdue_kr, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.checkins_overdue_notify(now=NOW) == 1
        assert services.checkins_overdue_notify(now=NOW + timedelta(hours=1)) == 0

    assert CheckInReminder.objects.filter(key_result=overdue_kr, user=alice).count() == 1
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject.startswith("[Opmodel] Check-in overdue: Intake (cards created)")
    assert Notification.objects.filter(user=alice, kind="check_in").count() == 1  # in the app
    assert f"/goals/{overdue_kr.goal_id}/#kr-{overdue_kr.pk}" in message.body

    # A check-in ends the spell; overdue again later, a new reminder.
    services.check_in_create(
        actor=alice, key_result=overdue_kr, confidence=5, comment="Slower", now=NOW
    )
    assert services.checkins_overdue_notify(now=NOW + timedelta(days=3)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.checkins_overdue_notify(now=NOW + timedelta(days=12)) == 1
    assert len(mail.outbox) == 2
