"""The exception route (issue 26, point 5): from any card, ask for an exception no rule
foresees; the process's owner-level approver decides it with the inbox, decision SLA,
escalation and history of a rule's request (processes/services/exceptions.py)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from notifications.models import Notification
from processes.models import AD_HOC_FAMILY, ApprovalRequest, ApprovalStatus, EventKind
from processes.services import card_update
from processes.services.approvals import approval_decide, approvals_escalate
from processes.services.exceptions import exception_ask
from roles.models import RoleKind
from tests.processes.conftest import grant
from tests.processes.test_api import api_as, card_url

# Friday 16:00 in Berlin (the standard calendar: Mon-Fri 9-18, Europe/Berlin).
FRIDAY_16_BERLIN = datetime(2026, 11, 20, 15, tzinfo=UTC)
# Eight business hours: Friday 16-18, then Monday 9-15 (Berlin), 14:00 UTC.
MONDAY_15_BERLIN = datetime(2026, 11, 23, 14, tzinfo=UTC)
ASK = {
    "ask": "Ship before the payment arrives",
    "why": "The client's payment run is on Tuesday; the order is needed on Monday.",
    "reason": "payment",
}


@pytest.fixture
def oscar(o2c):
    """The owner-level approver of order to cash."""
    return grant(o2c, "oscar", RoleKind.APPROVER, "owner")


@pytest.fixture
def asked(priced, alice, oscar, olga, mike, eddie):
    with time_machine.travel(FRIDAY_16_BERLIN, tick=False):
        answer = api_as(alice).post(card_url(priced, "exceptions/"), ASK, format="json")
    assert answer.status_code == 201, answer.content
    return answer


def test_asked_escalated_past_its_sla_then_approved(asked, priced, alice, oscar, mike):
    body = asked.json()
    request = ApprovalRequest.objects.get(pk=body["id"])
    assert (body["rule"], body["family"], body["condition"], body["level"]) == (
        "Exception no rule foresees",
        "ad-hoc",
        "",
        0,
    )
    assert (body["ask"], body["reason"], body["status"], body["authority"]) == (
        "Ship before the payment arrives",
        "payment",
        "pending",
        "owner",
    )
    assert body["requested_by"] == "alice"
    assert request.due_at == MONDAY_15_BERLIN
    # Told: the owner-level approver and the approver with a blank authority, not the manager.
    asking = Notification.objects.filter(text__startswith="Approval needed")
    assert sorted(asking.values_list("user__username", flat=True)) == ["olga", "oscar"]

    # Escalated once past its decision SLA, by the escalation scan, to the escalation role.
    assert approvals_escalate(now=MONDAY_15_BERLIN.replace(hour=13)) == 0
    assert approvals_escalate(now=MONDAY_15_BERLIN) == 1
    assert approvals_escalate(now=MONDAY_15_BERLIN) == 0
    escalated = Notification.objects.filter(text__startswith="Overdue approval")
    assert [(n.user.username, n.text) for n in escalated] == [
        (
            "eddie",
            f"Overdue approval: #{priced.pk} {priced.title}: Exception no rule foresees "
            "(Ship before the payment arrives) waits for the owner-level approver since "
            "Nov 20, 2026, 16:00.",
        )
    ]

    # The manager-level approver may not decide it; the owner-level one approves it.
    with time_machine.travel(MONDAY_15_BERLIN, tick=False):
        refused = api_as(mike).post(f"/api/approvals/{request.pk}/approve/", {}, format="json")
        assert refused.status_code in (403, 404)
        approved = api_as(oscar).post(f"/api/approvals/{request.pk}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", "oscar")

    kinds = list(
        priced.events.filter(kind__startswith="approval_")
        .order_by("at", "id")
        .values_list("kind", "data__rule", "data__why", "data__exception_reason")
    )
    assert kinds == [
        (EventKind.APPROVAL_REQUESTED, "Exception no rule foresees", ASK["why"], "payment"),
        (EventKind.APPROVAL_ESCALATED, "Exception no rule foresees", ASK["why"], "payment"),
        (EventKind.APPROVAL_DECIDED, "Exception no rule foresees", ASK["why"], "payment"),
    ]


def test_the_owner_level_inbox_lists_it_and_the_manager_inbox_does_not(asked, oscar, mike, client):
    with time_machine.travel(FRIDAY_16_BERLIN, tick=False):
        client.force_login(oscar)
        page = client.get("/approvals/").content.decode()
        assert "Ship before the payment arrives" in page
        assert "Payment terms: The client&#x27;s payment run is on Tuesday" in page
        client.force_login(mike)
        assert "Ship before the payment arrives" not in client.get("/approvals/").content.decode()


def test_a_second_ask_while_one_waits_is_a_conflict(asked, priced, alice):
    with time_machine.travel(FRIDAY_16_BERLIN, tick=False):
        again = api_as(alice).post(card_url(priced, "exceptions/"), ASK, format="json")
    assert again.status_code == 409
    assert again.json()["detail"].startswith(
        "An exception is already waiting for a decision on this card: Ship before"
    )


def test_after_a_decision_another_can_be_asked(asked, priced, alice, oscar):
    request = ApprovalRequest.objects.get(card=priced, family=AD_HOC_FAMILY)
    approval_decide(actor=oscar, approval=request, approve=True, at=MONDAY_15_BERLIN)
    second = exception_ask(
        actor=alice, card=priced, ask="Split the delivery", why="Half is in stock.",
        reason="delivery", now=MONDAY_15_BERLIN,
    )  # fmt: skip
    statuses = ApprovalRequest.objects.filter(card=priced).order_by("id")
    assert [(r.ask, r.status) for r in statuses] == [
        ("Ship before the payment arrives", ApprovalStatus.APPROVED),
        ("Split the delivery", ApprovalStatus.PENDING),
    ]
    assert second.due_at > MONDAY_15_BERLIN


def test_field_errors_name_the_fields(priced, alice):
    api = api_as(alice)
    answer = api.post(card_url(priced, "exceptions/"), {"ask": "", "why": ""}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"ask", "why"}
    bad = api.post(card_url(priced, "exceptions/"), {**ASK, "reason": "whim"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) == {"reason"}
    assert not ApprovalRequest.objects.filter(card=priced).exists()


def test_who_may_not_edit_the_card_gets_403_and_who_may_not_see_it_404(priced, olga, charlie):
    assert api_as(olga).post(card_url(priced, "exceptions/"), ASK, format="json").status_code == 403
    assert (
        api_as(charlie).post(card_url(priced, "exceptions/"), ASK, format="json").status_code == 404
    )
    assert not ApprovalRequest.objects.filter(card=priced).exists()


def test_the_rules_sync_leaves_an_ad_hoc_request_alone(asked, priced, alice):
    with time_machine.travel(FRIDAY_16_BERLIN, tick=False):
        card_update(actor=alice, card=priced, changes={"discount_percent": Decimal("15")})
        card_update(actor=alice, card=priced, changes={"discount_percent": Decimal("0")})
    rows = ApprovalRequest.objects.filter(card=priced).order_by("id")
    assert [(r.family, r.status) for r in rows] == [
        (AD_HOC_FAMILY, ApprovalStatus.PENDING),
        ("discount", ApprovalStatus.WITHDRAWN),
    ]


def test_the_card_page_asks_and_shows_it(priced, alice, oscar, client):
    with time_machine.travel(FRIDAY_16_BERLIN, tick=False):
        client.force_login(alice)
        page = client.get(f"/cards/{priced.pk}/").content.decode()
        assert "Ask for an exception no rule foresees" in page
        empty = client.post(f"/cards/{priced.pk}/exceptions/", {"ask": "", "reason": "other"})
        assert empty.status_code == 400
        answer = client.post(f"/cards/{priced.pk}/exceptions/", ASK)
        assert answer.status_code == 302
        page = client.get(f"/cards/{priced.pk}/").content.decode()
    assert "Ship before the payment arrives" in page
    assert "Payment terms: The client&#x27;s payment run is on Tuesday" in page
    assert ApprovalRequest.objects.get(card=priced).requested_by == alice


def test_the_card_page_answers_json_like_the_other_card_actions(priced, alice, oscar, client):
    with time_machine.travel(FRIDAY_16_BERLIN, tick=False):
        client.force_login(alice)
        url = f"/cards/{priced.pk}/exceptions/"
        answer = client.post(url, ASK, HTTP_ACCEPT="application/json")
        assert answer.status_code == 200, answer.content
        assert answer.json()["detail"].startswith("Asked: Ship before the payment arrives.")
        again = client.post(url, ASK, HTTP_ACCEPT="application/json")
    assert again.status_code == 409
