"""What people hear of approvals and lost cards (issue 22, point 8): a request asks its deciders
to act and stays in their inbox until decided, whatever news follows on the card; the decision
is news for its requester and the informed role, off the badge; the informed role hears of the
events its grant names."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.selectors import notification_lines, notifications_unread_count
from processes.models import ApprovalRequest
from processes.services import card_comment_add, card_transition, card_update
from processes.services.approvals import approval_decide
from roles.models import RoleKind
from tests.processes.conftest import grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_15(priced, alice, mike):
    card_update(actor=alice, card=priced, changes={"discount_percent": Decimal("15")})
    return ApprovalRequest.objects.get(card=priced)


@pytest.fixture
def ines(o2c):
    """Informed of order to cash, with the default events."""
    return grant(o2c, "ines", RoleKind.INFORMED)


def test_a_later_mention_does_not_hide_the_approval_request(request_15, alice, mike, client):
    card = request_15.card
    card_comment_add(actor=alice, card=card, text="@mike see the discount", now=timezone.now())

    # One line per card, except what waits for mike: the request keeps a line of its own.
    assert sorted(n.kind for n in notification_lines(user=mike)) == ["approval", "mention"]
    client.force_login(mike)
    rows = client.get(reverse("notifications")).context["rows"]
    assert [n.kind for n in rows] == ["approval", "mention"]
    assert rows[0].text.startswith("Approval needed: #")
    # Opening the card reads both; the request stays first until it is decided.
    client.get(reverse("card-detail", args=[card.pk]))
    rows = client.get(reverse("notifications")).context["rows"]
    assert [(n.kind, n.is_read) for n in rows] == [("approval", True), ("mention", True)]


def test_deciding_the_request_settles_it_for_every_decider(olga, request_15, alice, mike):
    card_comment_add(actor=alice, card=request_15.card, text="@mike hi", now=timezone.now())
    asked = Notification.objects.filter(key=f"approval:{request_15.pk}:requested")
    assert set(asked.values_list("user__username", flat=True)) == {"mike", "olga"}

    approval_decide(actor=olga, approval=request_15, approve=True)

    assert all(n.acted_at and n.read_at for n in asked)
    # Settled: the card's latest news is mike's line again, one line per card.
    assert [n.kind for n in notification_lines(user=mike)] == ["mention"]


def test_a_decision_is_news_off_the_badge_for_the_requester_and_the_informed(
    request_15, alice, mike, ines
):
    before = notifications_unread_count(user=alice)

    approval_decide(actor=mike, approval=request_15, approve=False, comment="Too low a margin")

    told = Notification.objects.filter(key=f"approval:{request_15.pk}:decided")
    assert set(told.values_list("user__username", flat=True)) == {"alice", "ines"}
    assert all(n.informational for n in told)
    assert told.get(user=alice).text.startswith("Rejected: #")
    assert notifications_unread_count(user=alice) == before
    assert notifications_unread_count(user=ines) == 0


def test_the_informed_hear_of_a_lost_card_when_their_grant_names_it(make_card, alice, o2c, ines):
    quiet = grant(o2c, "quentin", RoleKind.INFORMED)
    quiet.process_roles.update(informed_of=["breached"])
    card = make_card(title="Cables")

    card_transition(actor=alice, card=card, name="mark_lost", lost_reason="Chose a competitor")

    (news,) = Notification.objects.filter(kind="informed")
    assert news.user == ines and news.informational
    assert news.text == f"Lost: #{card.pk} Cables, by alice: Chose a competitor"


def test_the_inbox_filters_approvals_deadlines_mentions_and_news(request_15, alice, mike, client):
    from notifications.services import notify

    card = request_15.card
    card_comment_add(actor=alice, card=card, text="@mike look", now=timezone.now())
    notify(users=[mike], kind="alert", text="At risk: #x", subject="card:999", now=timezone.now())
    notify(users=[mike], kind="informed", text="Lost: #y", informational=True, now=timezone.now())
    client.force_login(mike)

    def shown(kind):
        rows = client.get(reverse("notifications"), {"kind": kind}).context["rows"]
        return [n.text.split(":")[0] for n in rows]

    assert shown("approval") == ["Approval needed"]
    assert shown("mention") == [
        f"{alice.get_username()} mentioned you on #{card.pk} Order of drills"
    ]
    assert shown("deadline") == ["At risk"]
    assert shown("informational") == ["Lost"]
    labels = [label for _, label in client.get(reverse("notifications")).context["kinds"]]
    assert labels[:6] == ["All", "Approvals", "Decisions", "Mentions", "Deadlines", "At risk"]
    # Only the news for information leaves the badge alone: three lines count.
    assert notifications_unread_count(user=mike) == 3
