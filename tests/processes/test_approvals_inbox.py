"""The approvals inbox and the card page's exceptions (issue 4)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from processes.models import ApprovalRequest, EventKind
from processes.services import card_update
from processes.services.approvals import approval_decide

INBOX = reverse("approvals")


def decide_url(approval):
    return reverse("approval-decide", args=[approval.pk])


@pytest.fixture
def request_15(priced, alice):
    card_update(actor=alice, card=priced, changes={"discount_percent": Decimal("15")})
    return ApprovalRequest.objects.get(card=priced)


def test_inbox_lists_what_the_user_may_decide(client, request_15, mike):
    client.force_login(mike)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert [a.pk for a in response.context["rows"]] == [request_15.pk]
    page = response.content.decode()
    # The order's value after the discount (10 x 100.00, less 15%) and its margin in the row.
    for text in ["Acme Tools", "Discount over 10%", "15%", "850.00", "29.41%", "Prepaid", "alice"]:
        assert text in page
    assert 'data-decide="approve"' in page


def test_inbox_leaves_out_what_others_decide(client, request_15, fiona, bob):
    client.force_login(fiona)  # finance: deferred payment only
    assert client.get(INBOX).context["rows"] == []
    client.force_login(bob)  # accountable, no approver grant
    assert client.get(INBOX).context["rows"] == []


def test_inbox_tells_the_requester_someone_else_decides(client, request_15, alice):
    from roles.models import ProcessRole, RoleKind

    ProcessRole.objects.create(
        process_id=request_15.card.process_id, kind=RoleKind.APPROVER, user=alice
    )
    client.force_login(alice)
    page = client.get(INBOX).content.decode()
    assert "You raised this: someone else decides." in page
    response = client.post(decide_url(request_15), {"decision": "approve"}, follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    assert "someone else must decide it" in response.content.decode()


def test_approving_in_the_inbox_lets_the_card_agree(client, request_15, mike, priced):
    client.force_login(mike)
    response = client.post(decide_url(request_15), {"decision": "approve", "comment": "Fine"})
    assert response.status_code == 302
    request_15.refresh_from_db()
    assert (request_15.status, request_15.decided_by, request_15.comment) == (
        "approved",
        mike,
        "Fine",
    )
    assert client.get(INBOX).context["rows"] == []


def test_rejecting_in_the_inbox_needs_a_comment(client, request_15, mike):
    client.force_login(mike)
    response = client.post(decide_url(request_15), {"decision": "reject", "comment": ""})
    # Post/redirect/get: the refusal leaves the POST address, so a refresh re-submits nothing.
    assert response.status_code == 302
    assert response["Location"] == INBOX
    page = client.get(INBOX)
    html = page.content.decode()
    assert "a rejection needs a comment" in html
    assert page.context["failed_id"] == request_15.pk
    assert "row-failed" in html
    assert f'id="comment-{request_15.pk}"' in html and "autofocus" in html
    request_15.refresh_from_db()
    assert request_15.status == "pending"
    # Shown once: the next visit is clean.
    again = client.get(INBOX)
    assert again.context["error"] is None and "autofocus" not in again.content.decode()


def test_a_decision_someone_made_first_is_a_conflict(client, request_15, mike, olga):
    approval_decide(actor=olga, approval=request_15, approve=True)
    client.force_login(mike)
    response = client.post(decide_url(request_15), {"decision": "approve"}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert response.context["error"]["http_status"] == 409
    assert "already approved by olga" in response.content.decode()


def test_inbox_outsider_wrong_method_and_bad_input(client, request_15, charlie, mike):
    client.force_login(charlie)
    assert client.get(INBOX).context["rows"] == []
    assert client.post(decide_url(request_15), {"decision": "approve"}).status_code == 404
    client.force_login(mike)
    assert client.get(decide_url(request_15)).status_code == 405
    maybe = client.post(decide_url(request_15), {"decision": "maybe"}, follow=True)
    assert (
        maybe.redirect_chain[0][1] == 302 and "Choose approve or reject" in maybe.content.decode()
    )
    client.logout()
    assert client.get(INBOX).status_code == 302


@pytest.mark.parametrize("count", [2, 12])
def test_inbox_runs_a_fixed_number_of_queries(
    client, make_card, alice, acme, mike, count, django_assert_num_queries
):
    for i in range(count):
        card = make_card(title=f"Card {i}", client=acme)
        card_update(actor=alice, card=card, changes={"discount_percent": Decimal("15")})
    client.force_login(mike)
    # session, user, role map, count, the page (card, client, process, rule, people),
    # the header's unread alerts
    with django_assert_num_queries(6):
        response = client.get(INBOX)
    assert len(response.context["rows"]) == count


def test_card_page_shows_the_exception_and_why_agree_is_refused(
    client, request_15, alice, mike, priced
):
    client.force_login(alice)
    page = client.get(reverse("card-detail", args=[priced.pk])).content.decode()
    assert 'data-approval-status="pending"' in page
    assert (
        "Approval needed: Discount over 10% (15%) is waiting for the manager-level approver."
        in page
    )

    approval_decide(actor=mike, approval=request_15, approve=True, comment="Loyal client")
    response = client.get(reverse("card-detail", args=[priced.pk]))
    page = response.content.decode()
    assert 'data-approval-status="approved"' in page
    assert "Approved by mike" in page
    assert "Loyal client" in page
    agree = next(o for o in response.context["moves"] if o.name == "agree")
    assert agree.allowed
    titles = [e["title"] for e in response.context["timeline"]]
    assert "Exception approved" in titles and "Approval requested" in titles
    kinds = [e["event"].kind for e in response.context["timeline"]]
    assert kinds.count(EventKind.APPROVAL_DECIDED) == 1


def test_card_page_shows_a_rejection_with_who_and_why(client, request_15, alice, mike, priced):
    approval_decide(actor=mike, approval=request_15, approve=False, comment="Margin too thin")
    client.force_login(alice)
    page = client.get(reverse("card-detail", args=[priced.pk])).content.decode()
    assert 'data-approval-status="rejected"' in page
    assert "Rejected by mike" in page
    assert "Approval rejected: Discount over 10% (15%) was rejected by mike" in page


def test_a_refused_decision_keeps_the_typed_comment_and_the_page(client, request_15, mike):
    client.force_login(mike)
    response = client.post(
        decide_url(request_15), {"decision": "bogus", "comment": "Half-typed", "page": "1"}
    )
    assert response["Location"] == f"{INBOX}?page=1"
    assert 'value="Half-typed" autofocus' in client.get(INBOX).content.decode()


def test_my_requests_lists_what_i_raised_with_its_state(client, request_15, alice, mike, make_card):
    approval_decide(actor=mike, approval=request_15, approve=False, comment="Too deep")
    other = make_card(title="Second order")
    card_update(actor=alice, card=other, changes={"discount_percent": Decimal("15")})
    client.force_login(alice)

    response = client.get(INBOX, {"show": "mine"})

    rows = response.context["rows"]
    assert [(a.card.title, a.status) for a in rows] == [
        ("Second order", "pending"),
        (request_15.card.title, "rejected"),
    ]
    html = response.content.decode()
    assert "Too deep" in html and 'data-decide="approve"' not in html
    client.force_login(mike)
    assert client.get(INBOX, {"show": "mine"}).context["rows"] == []
