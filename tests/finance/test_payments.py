"""Finance records payments: partial ones add up, the invoice's state follows (open, partly
paid, paid, overdue), only finance may, and nothing ever overpays."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from finance.models import Invoice, Payment
from finance.permissions import may_record_payment
from finance.services import payment_record
from opmodel.errors import Conflict, Forbidden, InvalidInput
from tests.finance.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def _pay(actor, card, amount, paid_on=TODAY, **kwargs):
    return payment_record(
        actor=actor, card=card, amount=Decimal(amount), paid_on=paid_on, now=NOW, **kwargs
    )


def test_partial_payments_add_up_and_the_state_follows(invoiced, fiona):
    card = invoiced("deferred", 30)  # 1,080.00 due Dec 18
    invoice = Invoice.objects.get(card=card)
    assert invoice.state_on(TODAY) == "open"
    _pay(fiona, card, "300.00", reference="Bank 1")
    _pay(fiona, card, "280.00", paid_on=date(2026, 11, 17), reference="Bank 2")
    invoice.refresh_from_db()
    assert (invoice.paid, invoice.outstanding) == (Decimal("580.00"), Decimal("500.00"))
    assert invoice.state_on(TODAY) == "partly_paid"
    assert invoice.state_on(date(2026, 12, 18)) == "partly_paid"  # the due date itself
    assert invoice.state_on(date(2026, 12, 19)) == "overdue"
    assert invoice.days_overdue_on(date(2027, 1, 18)) == 31
    _pay(fiona, card, "500.00")
    invoice.refresh_from_db()
    assert (invoice.outstanding, invoice.state_on(date(2027, 1, 18))) == (0, "paid")
    assert invoice.paid_in_full_on == TODAY
    assert list(Payment.objects.order_by("id").values_list("amount", "reference")) == [
        (Decimal("300.00"), "Bank 1"),
        (Decimal("280.00"), "Bank 2"),
        (Decimal("500.00"), ""),
    ]


def test_an_unpaid_open_invoice_is_overdue_the_day_after_its_due_date(invoiced):
    invoice = Invoice.objects.get(card=invoiced("prepaid"))  # due at issue, Nov 18
    assert invoice.state_on(TODAY) == "open"
    assert invoice.state_on(TODAY + timedelta(days=1)) == "overdue"


@pytest.mark.parametrize(
    ("amount", "paid_on", "errors"),
    [
        ("0", TODAY, {"amount": ["Give an amount above zero."]}),
        ("-5.00", TODAY, {"amount": ["Give an amount above zero."]}),
        (
            "1080.01",
            TODAY,
            {"amount": ["Only 1,080.00 of 1,080.00 is outstanding on this invoice."]},
        ),
        ("10.00", date(2026, 11, 19), {"paid_on": ["A payment cannot be dated in the future."]}),
    ],
)
def test_bad_payments_are_refused_with_field_errors(invoiced, fiona, amount, paid_on, errors):
    card = invoiced("prepaid")
    with pytest.raises(InvalidInput) as refused:
        _pay(fiona, card, amount, paid_on=paid_on)
    assert refused.value.errors == errors
    assert Payment.objects.count() == 0


def test_only_finance_records_payments(invoiced, fiona, oscar, bob, olga, charlie):
    card = invoiced("prepaid")
    for person in (oscar, bob, olga, charlie):  # executor, accountable, top approver, outsider
        assert not may_record_payment(person, card)
        with pytest.raises(Forbidden):
            _pay(person, card, "10.00")
    assert may_record_payment(fiona, card)
    assert Payment.objects.count() == 0


def test_a_member_of_the_finance_group_who_works_in_the_process_records_payments(invoiced, oscar):
    # The group is made, and granted executor in order to cash, by processes 0028 (the stage
    # roles): its members work in the process through it.
    card = invoiced("prepaid")
    group = Group.objects.get(name="Finance")
    assert not may_record_payment(oscar, card)
    oscar.groups.add(group)
    oscar = type(oscar).objects.get(pk=oscar.pk)
    assert may_record_payment(oscar, card)


def test_a_payment_that_a_concurrent_one_made_too_large_is_a_conflict(invoiced, fiona):
    card = invoiced("prepaid")
    seen = Invoice.objects.get(card=card)  # 1,080.00 outstanding when the caller read it
    _pay(fiona, card, "600.00")  # someone else, meanwhile
    with pytest.raises(Conflict) as conflict:
        _pay(fiona, card, "600.00", invoice=seen)
    assert "480.00 is outstanding now" in conflict.value.message
    invoice = Invoice.objects.get(card=card)
    assert (invoice.paid, Payment.objects.count()) == (Decimal("600.00"), 1)


def test_a_voided_invoice_reads_voided_from_that_day_not_overdue(invoiced, fiona):
    card = invoiced("deferred", 30)  # 1,080.00 due Dec 18
    invoice = Invoice.objects.get(card=card)
    _pay(fiona, card, "300.00")
    invoice.refresh_from_db()
    invoice.voided_on = date(2026, 12, 20)
    assert invoice.state_on(date(2026, 12, 19)) == "overdue"  # owed until the card is lost
    assert invoice.days_overdue_on(date(2026, 12, 19)) == 1
    assert invoice.state_on(date(2026, 12, 20)) == "voided"
    assert invoice.state_on(date(2027, 3, 1)) == "voided"
    assert invoice.days_overdue_on(date(2027, 3, 1)) == 0
