"""The demo's money: paid, partly paid and overdue invoices, and safe to run again."""

import pytest
from django.core.management import call_command

from finance.models import Invoice, Payment
from tests.finance.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_seed_demo_finance_leaves_paid_partly_paid_and_overdue_invoices(o2c):
    call_command("seed_demo", cards=80, verbosity=0)
    call_command("seed_demo_finance", verbosity=0)
    states = [i.state_on(TODAY) for i in Invoice.objects.filter(voided_on__isnull=True)]
    assert states.count("paid") > 0
    assert states.count("partly_paid") + states.count("overdue") > 0
    assert states.count("overdue") > 0
    assert Invoice.objects.filter(paid__gt=0, paid_in_full_on__isnull=True).exists()
    assert o2c.cards.filter(status="closed").exists()
    payments = Payment.objects.count()
    call_command("seed_demo_finance", verbosity=0)
    assert Payment.objects.count() == payments
