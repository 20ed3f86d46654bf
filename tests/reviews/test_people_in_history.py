"""Deleting a person never erases the history of reviews and goals (issue 21, point 5): who
facilitated and attended a review, who owns and made a decision or a goal, who checked in. The
delete is refused (deactivate instead), as for cards (tests/roles/test_people_in_history.py)."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError

from goals import services as goals
from reviews.services.decisions import decision_make
from reviews.services.reviews import review_close
from tests.reviews.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

User = get_user_model()


def refused(user) -> bool:
    try:
        with transaction.atomic():
            User.objects.get(pk=user.pk).delete()
    except ProtectedError:
        return True
    return False


def test_a_review_attendee_and_its_facilitator_are_not_deleted(open_review, bob, charlie):
    review = open_review(actor=bob)
    review_close(actor=bob, review=review, attendees=[charlie.pk], now=NOW)

    assert refused(charlie)
    assert refused(bob)
    assert list(review.attendees.all()) == [charlie]


def test_a_decision_owner_is_not_deleted(open_review, bob, alice):
    decision_make(
        actor=bob, review=open_review(), text="Call them", owner=alice, due_on=TODAY, now=NOW
    )

    assert refused(alice)
    assert refused(bob)  # who made it


def test_a_goal_owner_and_its_maker_are_not_deleted(o2c, alice, bob):
    goal = goals.goal_create(
        actor=bob, title="On time", starts_on=datetime(2026, 9, 7, tzinfo=UTC).date(),
        ends_on=datetime(2027, 2, 28, tzinfo=UTC).date(), owner=alice, processes=[o2c], now=NOW,
    )  # fmt: skip

    assert refused(alice)
    assert refused(bob)
    goal.refresh_from_db()
    assert (goal.owner, goal.created_by) == (alice, bob)


def test_a_person_named_nowhere_is_deleted(charlie):
    assert not refused(charlie)
