"""GET /api/approvals/, POST /api/approvals/{id}/approve/ and /reject/ (issue 4)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from processes.errors import CardConflict
from processes.models import ApprovalRequest, EventKind, RequestCard
from processes.services import card_update
from processes.services.approvals import approval_decide
from roles.models import ProcessRole, RoleKind
from tests.processes.test_api import api_as, card_url

APPROVALS = "/api/approvals/"


@pytest.fixture
def request_15(priced, alice):
    card_update(actor=alice, card=priced, changes={"discount_percent": Decimal("15")})
    return ApprovalRequest.objects.get(card=priced)


def test_pending_list_shows_the_card_and_the_exception(request_15, mike):
    answer = api_as(mike).get(APPROVALS + "?status=pending")
    assert answer.status_code == 200
    (item,) = answer.json()["results"]
    assert item["id"] == request_15.pk
    assert item["card"] == request_15.card_id
    assert item["client_name"] == "Acme Tools"
    assert item["discount_percent"] == "15.00"
    assert item["margin_percent"] == "29.41"
    assert item["payment_terms"] == "prepaid"
    assert (item["rule"], item["condition"], item["level"], item["authority"]) == (
        "Discount over 10%",
        "discount_percent > 10",
        1,
        "manager",
    )
    assert (item["status"], item["value"], item["requested_by"]) == ("pending", "15", "alice")
    assert item["overdue"] is False
    assert api_as(mike).get(APPROVALS + "?status=approved").json()["results"] == []


def test_list_refuses_an_unknown_status(request_15, mike):
    answer = api_as(mike).get(APPROVALS + "?status=maybe")
    assert answer.status_code == 400
    assert "status" in answer.json()


def test_approve_then_agree(request_15, mike, alice, priced):
    answer = api_as(mike).post(f"{APPROVALS}{request_15.pk}/approve/", {}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["decided_by"]) == ("approved", "mike")
    moved = api_as(alice).post(card_url(priced, "transitions/agree/"), {}, format="json")
    assert moved.status_code == 200
    events = api_as(alice).get(card_url(priced, "events/")).json()
    decided = [e for e in events if e["kind"] == EventKind.APPROVAL_DECIDED]
    assert [(e["actor"], e["data"]["decision"]) for e in decided] == [("mike", "approved")]


def test_agree_is_refused_in_words_while_pending(request_15, alice, priced):
    answer = api_as(alice).post(card_url(priced, "transitions/agree/"), {}, format="json")
    assert answer.status_code == 400
    assert answer.json()["unmet"] == [
        "Approval needed: Discount over 10% (15%) is waiting for the manager-level approver."
    ]
    options = api_as(alice).get(card_url(priced, "transitions/")).json()
    agree = next(o for o in options if o["name"] == "agree")
    assert agree["allowed"] is False
    assert agree["unmet"] == answer.json()["unmet"]


def test_reject_needs_a_comment(request_15, mike):
    answer = api_as(mike).post(f"{APPROVALS}{request_15.pk}/reject/", {}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"comment": ["Say why: a rejection needs a comment."]}
    answer = api_as(mike).post(
        f"{APPROVALS}{request_15.pk}/reject/", {"comment": "Too low a price."}, format="json"
    )
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["comment"]) == ("rejected", "Too low a price.")


def test_the_requester_gets_403_even_as_approver(request_15, alice):
    ProcessRole.objects.create(
        process_id=request_15.card.process_id, kind=RoleKind.APPROVER, user=alice
    )
    answer = api_as(alice).post(f"{APPROVALS}{request_15.pk}/approve/", {}, format="json")
    assert answer.status_code == 403
    assert answer.json() == {
        "detail": "You made the change that raised this request: someone else must decide it."
    }


def test_an_executor_gets_403_and_an_outsider_404(request_15, bob, charlie):
    assert api_as(bob).post(f"{APPROVALS}{request_15.pk}/approve/").status_code == 403
    assert api_as(charlie).post(f"{APPROVALS}{request_15.pk}/approve/").status_code == 404
    assert api_as(charlie).get(APPROVALS).json()["results"] == []
    assert api_as(charlie).get(f"{APPROVALS}{request_15.pk}/").status_code == 404


def test_a_second_decision_gets_409(request_15, mike, olga):
    assert api_as(mike).post(f"{APPROVALS}{request_15.pk}/approve/").status_code == 200
    answer = api_as(olga).post(f"{APPROVALS}{request_15.pk}/reject/", {"comment": "No"})
    assert answer.status_code == 409
    assert "already approved by mike" in answer.json()["detail"]


def test_wrong_methods_and_anonymous(request_15, mike, client):
    assert api_as(mike).get(f"{APPROVALS}{request_15.pk}/approve/").status_code == 405
    assert api_as(mike).delete(f"{APPROVALS}{request_15.pk}/").status_code == 405
    assert client.get(APPROVALS).status_code in (401, 403)


def test_list_runs_a_fixed_number_of_queries(
    make_card, alice, acme, mike, django_assert_num_queries
):
    for i in range(5):
        card = make_card(title=f"Card {i}", client=acme)
        card_update(actor=alice, card=card, changes={"discount_percent": Decimal("15")})
    client = api_as(mike)
    # token+user, count, the page with card, client, rule and people (visibility is a subquery)
    with django_assert_num_queries(3):
        answer = client.get(APPROVALS + "?status=pending")
    assert answer.json()["count"] == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks of concurrent writers need PostgreSQL (CI runs it)",
)
def test_two_approvers_deciding_at_once_one_decision_stands(priced, alice, mike, olga):
    card_update(
        actor=alice,
        card=RequestCard.objects.get(pk=priced.pk),
        changes={"discount_percent": Decimal("15")},
    )
    request_id = ApprovalRequest.objects.get(card=priced).pk
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(actor, approve):
        try:
            approval = ApprovalRequest.objects.select_related("rule", "card").get(pk=request_id)
            barrier.wait(timeout=10)
            approval_decide(actor=actor, approval=approval, approve=approve, comment="Race")
            outcomes.append("ok")
        except CardConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(mike, True)),
        threading.Thread(target=decide, args=(olga, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert priced.events.filter(kind=EventKind.APPROVAL_DECIDED).count() == 1
    assert ApprovalRequest.objects.get(pk=request_id).status in ("approved", "rejected")
