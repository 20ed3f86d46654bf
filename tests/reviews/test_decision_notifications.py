"""What people hear of decisions (issue 22, point 8): the owner's "decision for you" waits in
their inbox until done or dropped; a decision marked done or dropped tells its maker; the
informed role hears of decisions made when its grant names them."""

import pytest

from notifications.models import Notification
from notifications.selectors import notification_lines, notifications_unread_count
from opmodel.formatting import day_text
from reviews.services.decisions import decision_done, decision_drop, decision_make
from roles.models import RoleKind
from tests.processes.conftest import grant
from tests.reviews.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def decide(open_review, bob, alice):
    def make(**fields):
        values = {"text": "Call the warehouse daily.", "owner": alice, "due_on": TODAY}
        values.update(fields)
        return decision_make(actor=bob, review=open_review(), now=NOW, **values)

    return make


def test_a_decision_done_tells_its_maker(decide, alice, bob):
    decision = decide()

    decision_done(actor=alice, decision=decision, note="Called them twice", now=NOW)

    (news,) = Notification.objects.filter(user=bob, kind="decision")
    assert news.text == "Done by alice: Call the warehouse daily. Called them twice"
    assert news.key == f"decision-done:{decision.pk}" and news.informational
    # News only: it does not push the maker's badge up.
    assert notifications_unread_count(user=bob) == 0


def test_a_decision_dropped_tells_its_maker_why(decide, alice, bob):
    decision = decide()

    decision_drop(actor=alice, decision=decision, reason="The supplier closed", now=NOW)

    (news,) = Notification.objects.filter(user=bob, kind="decision")
    assert news.text == "Dropped by alice: Call the warehouse daily. The supplier closed"


def test_the_owners_decision_waits_in_the_inbox_until_closed(decide, alice):
    first, second = decide(), decide(text="Check stock on Mondays")

    # Two decisions, two lines (each its own subject), both waiting for alice.
    waiting = [n for n in notification_lines(user=alice) if n.awaits_action]
    assert {n.key for n in waiting} == {f"decision-made:{d.pk}" for d in (first, second)}

    decision_done(actor=alice, decision=first, note="Done", now=NOW)

    waiting = [n for n in notification_lines(user=alice) if n.awaits_action]
    assert [n.key for n in waiting] == [f"decision-made:{second.pk}"]


def test_the_informed_hear_of_decisions_their_grant_names(o2c, decide):
    ines = grant(o2c, "ines", RoleKind.INFORMED)
    quentin = grant(o2c, "quentin", RoleKind.INFORMED)
    quentin.process_roles.update(informed_of=["breached"])

    decision = decide()

    (news,) = Notification.objects.filter(kind="informed")
    assert news.user == ines and news.informational
    assert news.text == f"Decided, for alice by {day_text(TODAY)}: {decision.text}"
