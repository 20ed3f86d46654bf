"""The invoicing move issues the invoice; prepaid ships once paid, deferred ships and waits for
its money until the due date; a card closes only paid in full; a lost card's invoice is voided."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from finance.models import Invoice
from finance.services import payment_record
from processes.errors import TransitionRefused
from processes.services import card_transition
from processes.sla import sla_state
from tests.finance.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def _pay(fiona, card, amount):
    return payment_record(
        actor=fiona, card=card, amount=Decimal(amount), paid_on=TODAY, reference="", now=NOW
    )


def test_a_prepaid_invoice_is_the_cards_total_due_at_issue(invoiced):
    card = invoiced("prepaid")
    invoice = Invoice.objects.get(card=card)
    assert invoice.amount == Decimal("1080.00")  # 2 x 600.00 less 10%
    assert (invoice.issued_on, invoice.due_on) == (date(2026, 11, 18), date(2026, 11, 18))
    assert (invoice.paid, invoice.outstanding, invoice.state_on(TODAY)) == (0, 1080, "open")


def test_a_deferred_invoice_falls_due_after_the_payment_days(invoiced):
    card = invoiced("deferred", 30)
    invoice = Invoice.objects.get(card=card)
    assert (invoice.issued_on, invoice.due_on) == (date(2026, 11, 18), date(2026, 12, 18))
    assert (invoice.payment_terms, invoice.deferred_days) == ("deferred", 30)


def test_prepaid_shipping_is_refused_until_paid_in_full(invoiced, alice, fiona):
    card = invoiced("prepaid")
    with pytest.raises(TransitionRefused) as refused:
        card_transition(actor=alice, card=card, name="fulfil")
    assert refused.value.unmet == [
        "Prepaid: 1,080.00 of 1,080.00 is outstanding on the invoice. Ship once it is paid in full."
    ]
    _pay(fiona, card, "1000.00")
    with pytest.raises(TransitionRefused) as refused:
        card_transition(actor=alice, card=card, name="fulfil")
    assert "80.00 of 1,080.00 is outstanding" in refused.value.unmet[0]
    _pay(fiona, card, "80.00")
    card = card_transition(actor=alice, card=card, name="fulfil")
    assert card.status == "fulfilled"
    # Paid: the shipped status's own 24 business hours apply (close it), not the due date.
    assert card.sla_allowance == 24 * 3600


def test_deferred_ships_at_once_and_its_deadline_is_the_invoices_due_date(invoiced, alice):
    card = invoiced("deferred", 30)
    card = card_transition(actor=alice, card=card, name="fulfil")
    assert card.status == "fulfilled"
    # The end of Dec 18 in Berlin: midnight after it, 23:00 UTC.
    assert card.due_at == datetime(2026, 12, 18, 23, 0, tzinfo=UTC)
    assert sla_state(card, datetime(2026, 12, 18, 22, 59, tzinfo=UTC)) != "breached"
    assert sla_state(card, datetime(2026, 12, 18, 23, 1, tzinfo=UTC)) == "breached"
    card.refresh_from_db()
    assert card.due_at == datetime(2026, 12, 18, 23, 0, tzinfo=UTC)


def test_deferred_closing_is_refused_until_paid_in_full(invoiced, alice, fiona):
    card = card_transition(actor=alice, card=invoiced("deferred", 30), name="fulfil")
    with pytest.raises(TransitionRefused) as refused:
        card_transition(actor=alice, card=card, name="close")
    assert refused.value.unmet == [
        "Not paid: 1,080.00 of 1,080.00 is outstanding on the invoice (due Dec 18, 2026). "
        "Close once it is paid in full."
    ]
    _pay(fiona, card, "500.00")
    with pytest.raises(TransitionRefused):
        card_transition(actor=alice, card=card, name="close")
    _pay(fiona, card, "580.00")
    assert card_transition(actor=alice, card=card, name="close").status == "closed"
    assert Invoice.objects.get(card=card).paid_in_full_on == TODAY


def test_a_lost_card_voids_its_invoice(invoiced, alice):
    card = invoiced("prepaid")
    card_transition(actor=alice, card=card, name="mark_lost", lost_reason="Never paid")
    assert Invoice.objects.get(card=card).voided_on == TODAY


def test_invoicing_again_keeps_the_one_invoice(invoiced, alice):
    from finance.services import invoice_issue

    card = invoiced("prepaid")
    again = invoice_issue(card=card, actor=alice, now=NOW)
    assert Invoice.objects.filter(card=card).count() == 1 and again.amount == Decimal("1080.00")


def test_order_to_cash_reads_naturally_for_both_terms(o2c):
    statuses = dict(o2c.statuses.values_list("slug", "name"))
    assert statuses["awaiting_payment"] == "To ship"
    assert statuses["fulfilled"] == "Shipped"
    fulfilled = o2c.statuses.get(slug="fulfilled")
    assert fulfilled.deadline_source == "invoice_due"
    moves = {t.name: t for t in o2c.transitions.all()}
    assert "issue_invoice" in moves["invoice"].effects
    assert "prepaid_paid_in_full" in moves["fulfil"].conditions
    assert "paid_in_full" in moves["close"].conditions
    assert "void_invoice" in moves["mark_lost"].effects
