"""The card's invoice panel and finance's payment form on the card page."""

from decimal import Decimal

import pytest

from finance.models import Invoice, Payment

pytestmark = pytest.mark.django_db


def test_finance_records_a_payment_from_the_card_page(client, invoiced, fiona):
    card = invoiced("deferred", 30)
    client.force_login(fiona)
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert 'id="invoice"' in page and "data-outstanding>1,080.00" in page
    assert "Record payment" in page
    answer = client.post(
        f"/cards/{card.pk}/payments/",
        {"amount": "400.00", "paid_on": "2026-11-18", "reference": "Wire 9"},
    )
    assert answer.status_code == 302 and answer["Location"] == f"/cards/{card.pk}/#invoice"
    invoice = Invoice.objects.get(card=card)
    assert (invoice.paid, invoice.outstanding) == (Decimal("400.00"), Decimal("680.00"))
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert 'data-state="partly_paid"' in page and "Wire 9" in page


def test_others_see_the_invoice_but_cannot_pay(client, invoiced, oscar, charlie):
    card = invoiced("prepaid")
    client.force_login(oscar)
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert 'id="invoice"' in page and "Record payment" not in page
    client.post(f"/cards/{card.pk}/payments/", {"amount": "10.00", "paid_on": "2026-11-18"})
    assert Payment.objects.count() == 0
    client.force_login(charlie)
    answer = client.post(f"/cards/{card.pk}/payments/", {"amount": "1", "paid_on": "2026-11-18"})
    assert answer.status_code == 404
    assert client.get(f"/cards/{card.pk}/payments/").status_code in (404, 405)
