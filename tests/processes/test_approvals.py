"""Exception rules and approval requests through the services (issue 4)."""

from decimal import Decimal

import pytest

from opmodel.errors import Forbidden, InvalidInput, Refused
from processes.errors import CardConflict, TransitionRefused
from processes.models import ApprovalRequest, EventKind, ExceptionRule, PaymentTerms, RequestCard
from processes.services import card_item_add, card_transition, card_update
from processes.services.approvals import approval_decide
from roles.models import ProcessRole, RoleKind


def discount(card, actor, percent):
    return card_update(actor=actor, card=card, changes={"discount_percent": Decimal(percent)})


def current(card, family="discount"):
    return ApprovalRequest.objects.filter(
        card=card, family=family, status__in=["pending", "approved", "rejected"]
    ).first()


def refused_reasons(card, actor, name="agree"):
    card = RequestCard.objects.get(pk=card.pk)
    with pytest.raises(TransitionRefused) as refused:
        card_transition(actor=actor, card=card, name=name)
    return refused.value.unmet


def test_order_to_cash_has_its_default_rules(o2c):
    rules = {
        (r.family, r.level): (r.condition_text, r.authority, r.guards.name)
        for r in ExceptionRule.objects.filter(process=o2c).select_related("guards")
    }
    assert rules == {
        ("discount", 1): ("discount_percent > 10", "manager", "agree"),
        ("discount", 2): ("discount_percent > 20", "owner", "agree"),
        ("margin", 2): ("margin_percent < 12", "owner", "agree"),
        ("deferred_payment", 1): ("deferred_days >= 1", "finance", "invoice"),
    }


def test_agree_refused_until_a_15_percent_discount_is_approved_by_a_manager(priced, alice, mike):
    discount(priced, alice, "15")

    (request,) = ApprovalRequest.objects.filter(card=priced)
    assert (request.status, request.rule.authority, request.value) == (
        "pending",
        "manager",
        "15",
    )
    assert request.requested_by == alice
    assert refused_reasons(priced, alice) == [
        "Approval needed: Discount over 10% (15%) is waiting for the manager-level approver."
    ]

    approval_decide(actor=mike, approval=request, approve=True)

    card = card_transition(actor=alice, card=RequestCard.objects.get(pk=priced.pk), name="agree")
    assert card.status == "agreed"
    kinds = list(priced.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.APPROVAL_REQUESTED) == 1
    assert kinds.count(EventKind.APPROVAL_DECIDED) == 1


def test_a_request_is_made_once_however_often_the_card_is_saved(priced, alice):
    discount(priced, alice, "15")
    card_update(actor=alice, card=priced, changes={"title": "Renamed"})
    card_update(actor=alice, card=priced, changes={"priority": "high"})
    assert ApprovalRequest.objects.filter(card=priced).count() == 1


def test_a_25_percent_discount_needs_the_owner_level_alone(priced, alice, mike, olga):
    discount(priced, alice, "25")

    (request,) = ApprovalRequest.objects.filter(card=priced)
    assert request.rule.authority == "owner"
    with pytest.raises(Forbidden) as forbidden:
        approval_decide(actor=mike, approval=request, approve=True)
    assert "owner-level approver" in forbidden.value.message

    approval_decide(actor=olga, approval=request, approve=True)
    assert card_transition(actor=alice, card=priced, name="agree").status == "agreed"


def test_the_requester_cannot_decide_even_holding_the_approver_role(priced, alice):
    ProcessRole.objects.create(process_id=priced.process_id, kind=RoleKind.APPROVER, user=alice)
    alice._opmodel_role_map = None
    discount(priced, alice, "15")
    request = current(priced)

    with pytest.raises(Forbidden) as forbidden:
        approval_decide(actor=alice, approval=request, approve=True)
    assert "someone else must decide" in forbidden.value.message
    request.refresh_from_db()
    assert request.status == "pending"


def test_an_outsider_or_executor_may_not_decide(priced, alice, bob):
    discount(priced, bob, "15")
    with pytest.raises(Forbidden):
        approval_decide(actor=alice, approval=current(priced), approve=True)


def test_rejection_needs_a_comment_and_keeps_agree_refused(priced, alice, mike):
    discount(priced, alice, "15")
    request = current(priced)
    with pytest.raises(InvalidInput) as invalid:
        approval_decide(actor=mike, approval=request, approve=False, comment="  ")
    assert invalid.value.errors == {"comment": ["Say why: a rejection needs a comment."]}

    approval_decide(actor=mike, approval=request, approve=False, comment="Too generous.")

    request.refresh_from_db()
    assert (request.status, request.decided_by, request.comment) == (
        "rejected",
        mike,
        "Too generous.",
    )
    (reason,) = refused_reasons(priced, alice)
    assert reason.startswith("Approval rejected: Discount over 10% (15%) was rejected by mike")
    assert "Too generous." in reason
    # Saving other data does not reopen it; a new discount asks again.
    card_update(actor=alice, card=priced, changes={"title": "Renamed"})
    assert current(priced).status == "rejected"
    discount(priced, alice, "12")
    assert current(priced).status == "pending"


def test_raising_the_discount_after_approval_makes_a_new_request(priced, alice, mike):
    discount(priced, alice, "15")
    first = current(priced)
    approval_decide(actor=mike, approval=first, approve=True)

    discount(priced, alice, "12")  # lower: the approval still covers it
    assert current(priced).pk == first.pk

    discount(priced, alice, "18")  # higher than approved: a new request
    first.refresh_from_db()
    second = current(priced)
    assert first.status == "superseded"
    assert (second.status, second.value) == ("pending", "18")
    assert refused_reasons(priced, alice)[0].startswith("Approval needed: Discount over 10% (18%)")

    discount(priced, alice, "25")  # the owner level supersedes the manager's request
    third = current(priced)
    assert third.rule.authority == "owner"
    assert ApprovalRequest.objects.filter(card=priced, status="pending").count() == 1


def test_lowering_the_discount_under_the_threshold_withdraws_the_request(priced, alice):
    discount(priced, alice, "15")
    request = current(priced)
    discount(priced, alice, "10")

    request.refresh_from_db()
    assert request.status == "withdrawn"
    assert current(priced) is None
    assert card_transition(actor=alice, card=priced, name="agree").status == "agreed"
    assert priced.events.filter(kind=EventKind.APPROVAL_WITHDRAWN).count() == 1


def test_deferred_payment_needs_finance_before_awaiting_payment(make_card, alice, acme, fiona):
    card = make_card(client=acme, payment_terms=PaymentTerms.DEFERRED, deferred_days=30)
    request = current(card, "deferred_payment")
    assert (request.status, request.rule.authority) == ("pending", "finance")
    card_item_add(
        actor=alice,
        card=card,
        product="Drill",
        quantity=Decimal("1"),
        unit_price=Decimal("100"),
        unit_cost=Decimal("50"),
    )
    card_transition(actor=alice, card=card, name="qualify")
    card_transition(actor=alice, card=card, name="price")
    card_update(
        actor=alice, card=card, changes={"shipment_date": "2030-01-01", "promised_on": "2030-01-01"}
    )
    card_transition(actor=alice, card=card, name="agree")  # deferred terms do not guard agree

    assert refused_reasons(card, alice, "invoice") == [
        "Approval needed: Deferred payment (days) (30 days) is waiting for the finance-level "
        "approver."
    ]
    approval_decide(actor=fiona, approval=request, approve=True)
    card = RequestCard.objects.get(pk=card.pk)
    assert card_transition(actor=alice, card=card, name="invoice").status == "awaiting_payment"


def test_finance_may_not_decide_a_discount(priced, alice, fiona):
    discount(priced, alice, "15")
    with pytest.raises(Forbidden):
        approval_decide(actor=fiona, approval=current(priced), approve=True)


def test_a_margin_under_the_floor_needs_the_owner(priced, alice, mike, olga):
    # Price 1000, cost 600: 40% margin; 10% discount keeps it 33%; a cost-heavy item sinks it.
    card_item_add(
        actor=alice,
        card=priced,
        product="Cement",
        quantity=Decimal("10"),
        unit_price=Decimal("100"),
        unit_cost=Decimal("99"),
    )
    assert priced.margin_percent == Decimal("20.50")
    assert current(priced, "margin") is None
    discount(priced, alice, "10")  # net 1800, cost 1590: 11.67%, under the 12% floor

    request = current(priced, "margin")
    assert (request.rule.authority, request.value) == ("owner", "11.67")
    assert "Margin under the 12% floor (11.67%)" in refused_reasons(priced, alice)[0]
    with pytest.raises(Forbidden):
        approval_decide(actor=mike, approval=request, approve=True)
    approval_decide(actor=olga, approval=request, approve=True)
    assert card_transition(actor=alice, card=priced, name="agree").status == "agreed"


def test_finishing_a_card_withdraws_its_undecided_requests(make_card, alice, acme):
    card = make_card(client=acme, payment_terms=PaymentTerms.DEFERRED, deferred_days=30)
    card_transition(actor=alice, card=card, name="mark_lost", lost_reason="Went elsewhere")
    assert ApprovalRequest.objects.get(card=card).status == "withdrawn"


def test_a_decision_on_a_stale_copy_is_a_conflict_and_history_shows_one(priced, alice, mike, olga):
    discount(priced, alice, "15")
    first = current(priced)
    second = ApprovalRequest.objects.select_related("rule", "card").get(pk=first.pk)

    approval_decide(actor=mike, approval=first, approve=True)
    with pytest.raises(CardConflict) as conflict:
        approval_decide(actor=olga, approval=second, approve=False, comment="No")

    assert "already approved by mike" in conflict.value.message
    first.refresh_from_db()
    assert (first.status, first.decided_by) == ("approved", mike)
    assert priced.events.filter(kind=EventKind.APPROVAL_DECIDED).count() == 1


def test_deciding_a_request_the_card_outgrew_is_a_conflict(priced, alice, mike):
    discount(priced, alice, "15")
    stale = current(priced)
    discount(priced, alice, "16")
    with pytest.raises(CardConflict) as conflict:
        approval_decide(actor=mike, approval=stale, approve=True)
    assert "withdrawn" in conflict.value.message


def test_a_new_rule_added_as_data_guards_its_move_without_code(priced, alice, o2c):
    """Quantity over 1000 needs the warehouse's approval: a row and a grant, nothing else."""
    ExceptionRule.objects.create(
        process=o2c,
        family="big_quantity",
        name="Quantity over 1000",
        field="items_quantity_total",
        operator=">",
        threshold="1000",
        authority="warehouse",
        guards=o2c.transitions.get(name="agree"),
        decision_sla_hours=4,
    )
    from tests.processes.conftest import grant

    walter = grant(o2c, "walter", RoleKind.APPROVER, "warehouse")
    card_item_add(
        actor=alice,
        card=priced,
        product="Screws",
        quantity=Decimal("995"),
        unit_price=Decimal("1"),
        unit_cost=Decimal("0.1"),
    )
    assert priced.items_quantity_total == Decimal("1005")
    request = current(priced, "big_quantity")
    assert request.value == "1005"
    assert refused_reasons(priced, alice) == [
        "Approval needed: Quantity over 1000 (1005) is waiting for the warehouse-level approver."
    ]
    approval_decide(actor=walter, approval=request, approve=True)
    assert card_transition(actor=alice, card=priced, name="agree").status == "agreed"


def test_a_rule_added_after_the_card_changed_is_requested_by_the_refused_move(priced, alice, o2c):
    ExceptionRule.objects.create(
        process=o2c,
        family="rush",
        name="Urgent orders",
        field="priority",
        operator="==",
        threshold="normal",
        guards=o2c.transitions.get(name="agree"),
    )
    assert "has no request yet" in refused_reasons(priced, alice)[0]
    assert current(priced, "rush").status == "pending"
    assert "is waiting for an approver" in refused_reasons(priced, alice)[0]


def test_approvers_hear_of_a_request_in_the_app_and_by_email(
    priced, alice, mike, olga, fiona, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.models import Notification, NotificationPreference

    NotificationPreference.objects.create(user=olga, email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        discount(priced, alice, "15")

    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"mike", "olga"}  # not finance, not the requester
    assert [m.to for m in mailoutbox] == [["mike@example.com"]]
    assert "Discount over 10%" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"field": "discount_percent", "operator": ">", "threshold": "ten"}, "threshold"),
        ({"field": "payment_terms", "operator": ">", "threshold": "deferred"}, "operator"),
        ({"field": "payment_terms", "operator": "==", "threshold": "later"}, "threshold"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused_with_the_field(o2c, fields, error_field):
    from django.core.exceptions import ValidationError

    rule = ExceptionRule(
        process=o2c, family="x", name="X", guards=o2c.transitions.get(name="agree"), **fields
    )
    with pytest.raises(ValidationError) as invalid:
        rule.full_clean()
    assert error_field in invalid.value.message_dict


def test_a_rule_added_in_the_admin_works_without_code(admin_client, priced, alice, o2c):
    """Quantity over 1000 needs the warehouse: a rule typed in the admin, and a grant."""
    from tests.processes.conftest import grant

    agree = o2c.transitions.get(name="agree")
    answer = admin_client.post(
        "/admin/processes/exceptionrule/add/",
        {
            "process": o2c.pk,
            "family": "big_quantity",
            "name": "Quantity over 1000",
            "field": "items_quantity_total",
            "operator": ">",
            "threshold": "1000",
            "level": 1,
            "approver_kind": "approver",
            "authority": "warehouse",
            "guards": agree.pk,
            "decision_sla_hours": 4,
            "is_active": "on",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    walter = grant(o2c, "walter", RoleKind.APPROVER, "warehouse")

    card_item_add(
        actor=alice,
        card=priced,
        product="Screws",
        quantity=Decimal("1500"),
        unit_price=Decimal("1"),
        unit_cost=Decimal("0.1"),
    )
    request = current(priced, "big_quantity")
    assert (request.status, request.value, request.rule.authority) == (
        "pending",
        "1510",
        "warehouse",
    )
    approval_decide(actor=walter, approval=request, approve=True)
    assert card_transition(actor=alice, card=priced, name="agree").status == "agreed"


def test_the_admin_reports_a_rule_that_makes_no_sense_on_its_fields(admin_client, o2c):
    answer = admin_client.post(
        "/admin/processes/exceptionrule/add/",
        {
            "process": o2c.pk,
            "family": "terms",
            "name": "Odd",
            "field": "payment_terms",
            "operator": ">",
            "threshold": "someday",
            "level": 1,
            "approver_kind": "approver",
            "guards": o2c.transitions.get(name="agree").pk,
            "decision_sla_hours": 4,
        },
    )
    assert answer.status_code == 200
    errors = answer.context["adminform"].form.errors
    assert set(errors) == {"operator", "threshold"}
    assert not ExceptionRule.objects.filter(family="terms").exists()


def test_a_finished_card_edited_asks_for_no_approval(make_card, alice, acme):
    card = make_card(client=acme)
    card_transition(actor=alice, card=card, name="mark_lost", lost_reason="Went elsewhere")
    # A finished card is read-only (issue 14): the change is refused, so nothing is asked.
    with pytest.raises(Refused):
        discount(card, alice, "30")
    assert not ApprovalRequest.objects.filter(card=card).exists()
