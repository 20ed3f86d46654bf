"""The finance approval covers the terms and the days approved: more days ask again."""

import pytest

from processes.errors import TransitionRefused
from processes.models import ApprovalRequest
from processes.services import card_transition, card_update

pytestmark = pytest.mark.django_db


def test_raising_the_days_after_approval_asks_for_a_new_decision(order, alice, fiona):
    card = order("deferred", 14, approver=fiona)
    approved = ApprovalRequest.objects.get(card=card, status="approved")
    assert (approved.value, approved.value_text) == ("14", "14 days")
    card = card_update(actor=alice, card=card, changes={"deferred_days": 90})
    approved.refresh_from_db()
    assert approved.status == "superseded"
    pending = ApprovalRequest.objects.get(card=card, status="pending")
    assert (pending.rule.family, pending.value) == ("deferred_payment", "90")
    with pytest.raises(TransitionRefused) as refused:
        card_transition(actor=alice, card=card, name="invoice")
    assert refused.value.unmet == [
        "Approval needed: Deferred payment (days) (90 days) is waiting for the "
        "finance-level approver."
    ]


def test_fewer_days_stay_covered_by_the_approval(order, alice, fiona):
    card = order("deferred", 30, approver=fiona)
    card = card_update(actor=alice, card=card, changes={"deferred_days": 14})
    assert ApprovalRequest.objects.get(card=card, status="approved").value == "30"
    assert card_transition(actor=alice, card=card, name="invoice").status == "awaiting_payment"


def test_prepaid_needs_no_finance_approval(order, alice):
    card = order("prepaid")
    assert not ApprovalRequest.objects.filter(card=card).exists()
    assert card_transition(actor=alice, card=card, name="invoice").status == "awaiting_payment"
