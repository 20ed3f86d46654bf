"""The money's API: GET /api/cards/{id}/invoice/, POST /api/cards/{id}/payments/,
GET /api/receivables/."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from finance.api import views
from finance.models import Invoice, Payment
from finance.services import payment_record
from tests.finance.builders import invoice, payment

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_cards_invoice(invoiced, make_card, alice, charlie):
    card = invoiced("deferred", 30)
    answer = _api(alice).get(f"/api/cards/{card.pk}/invoice/")
    assert answer.status_code == 200
    assert answer.json() == {
        "amount": "1080.00",
        "issued_on": "2026-11-18",
        "due_on": "2026-12-18",
        "paid": "0.00",
        "outstanding": "1080.00",
        "state": "open",
        "voided_on": None,
        "payments": [],
    }
    assert _api(charlie).get(f"/api/cards/{card.pk}/invoice/").status_code == 404
    bare = make_card(title="Not invoiced")
    assert _api(alice).get(f"/api/cards/{bare.pk}/invoice/").status_code == 404


def test_a_cards_invoice_lists_its_payments_and_the_day_it_was_voided(make_card, alice):
    # What an outside recount of the money's weekly figures needs (tests/metrics/
    # test_figures_truth_promise_money.py): each payment's day, and when the invoice stopped
    # counting.
    card = make_card(title="Lost after paying a part")
    owed = invoice(card, "900.00", date(2026, 10, 1), date(2026, 10, 31), voided=date(2026, 11, 5))
    payment(owed, "250.00", date(2026, 10, 20), reference="SEPA 9")
    payment(owed, "100.00", date(2026, 10, 2))
    body = _api(alice).get(f"/api/cards/{card.pk}/invoice/").json()
    assert (body["paid"], body["outstanding"]) == ("350.00", "550.00")
    assert body["voided_on"] == "2026-11-05"
    assert body["payments"] == [
        {"amount": "100.00", "paid_on": "2026-10-02", "reference": ""},
        {"amount": "250.00", "paid_on": "2026-10-20", "reference": "SEPA 9"},
    ]


def test_finance_records_a_payment(invoiced, fiona):
    card = invoiced("prepaid")
    answer = _api(fiona).post(
        f"/api/cards/{card.pk}/payments/",
        {"amount": "1000.00", "paid_on": "2026-11-17", "reference": "SEPA 77"},
        format="json",
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body == {
        "id": Payment.objects.get().pk,
        "amount": "1000.00",
        "paid_on": "2026-11-17",
        "reference": "SEPA 77",
        "invoice": {
            "amount": "1080.00",
            "issued_on": "2026-11-18",
            "due_on": "2026-11-18",
            "paid": "1000.00",
            "outstanding": "80.00",
            "state": "partly_paid",
        },
    }


def test_anyone_but_finance_is_refused(invoiced, oscar, bob, charlie):
    card = invoiced("prepaid")
    body = {"amount": "10.00", "paid_on": "2026-11-18"}
    for person in (oscar, bob):
        answer = _api(person).post(f"/api/cards/{card.pk}/payments/", body, format="json")
        assert answer.status_code == 403
        assert answer.json() == {"detail": "Only finance may record payments."}
    assert (
        _api(charlie).post(f"/api/cards/{card.pk}/payments/", body, format="json").status_code
        == 404
    )
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "1080.01", "paid_on": "2026-11-18"}, "amount"),
        ({"amount": "0.00", "paid_on": "2026-11-18"}, "amount"),
        ({"amount": "-1.00", "paid_on": "2026-11-18"}, "amount"),
        ({"amount": 10, "paid_on": "2026-11-18"}, "amount"),
        ({"amount": "10.00", "paid_on": "2026-11-19"}, "paid_on"),
        ({"amount": "10.00", "paid_on": "tomorrow"}, "paid_on"),
        ({"paid_on": "2026-11-18"}, "amount"),
    ],
)
def test_bad_payments_answer_400_naming_the_field(invoiced, fiona, body, field):
    card = invoiced("prepaid")
    answer = _api(fiona).post(f"/api/cards/{card.pk}/payments/", body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert Payment.objects.count() == 0


def test_a_payment_on_a_card_without_invoice_is_404(make_card, fiona):
    card = make_card(title="Not invoiced")
    answer = _api(fiona).post(
        f"/api/cards/{card.pk}/payments/",
        {"amount": "1.00", "paid_on": "2026-11-18"},
        format="json",
    )
    assert answer.status_code == 404


def test_a_concurrent_payment_that_would_overpay_is_a_conflict(invoiced, fiona, monkeypatch):
    card = invoiced("prepaid")
    real = views.payment_record

    def racing(**kwargs):
        seen = Invoice.objects.get(card=kwargs["card"])  # read before the other one landed
        payment_record(**{**kwargs, "amount": Decimal("600.00")})
        return real(**kwargs, invoice=seen)

    monkeypatch.setattr(views, "payment_record", racing)
    answer = _api(fiona).post(
        f"/api/cards/{card.pk}/payments/",
        {"amount": "600.00", "paid_on": "2026-11-18"},
        format="json",
    )
    assert answer.status_code == 409
    assert "480.00 is outstanding now" in answer.json()["detail"]
    assert Invoice.objects.get(card=card).paid == Decimal("600.00")


@pytest.fixture
def owed(make_card, acme):
    from processes.models import Client

    beta = Client.objects.create(name="Beta Build")
    late = make_card(title="Late", client=acme)
    early = make_card(title="Early", client=beta)
    invoice(late, "700.00", date(2026, 9, 1), date(2026, 10, 1))
    invoice(early, "300.00", date(2026, 11, 1), date(2026, 12, 1))
    return late, early, beta


def test_the_receivables(owed, fiona, bob, oscar, charlie):
    late, early, beta = owed
    answer = _api(fiona).get("/api/receivables/")
    assert answer.status_code == 200
    assert answer.json() == [
        {"card": late.pk, "client": "Acme Tools", "amount": "700.00",
         "outstanding": "700.00", "due_on": "2026-10-01", "days_overdue": 48},
        {"card": early.pk, "client": "Beta Build", "amount": "300.00",
         "outstanding": "300.00", "due_on": "2026-12-01", "days_overdue": 0},
    ]  # fmt: skip
    overdue = _api(bob).get("/api/receivables/", {"state": "overdue"}).json()
    assert [row["card"] for row in overdue] == [late.pk]
    by_client = _api(fiona).get("/api/receivables/", {"client": beta.pk}).json()
    assert [row["card"] for row in by_client] == [early.pk]
    assert _api(fiona).get("/api/receivables/", {"state": "paid"}).status_code == 400
    blank = _api(fiona).get("/api/receivables/?client=")
    assert (blank.status_code, list(blank.json())) == (400, ["client"])
    assert _api(oscar).get("/api/receivables/").status_code == 403
    assert _api(charlie).get("/api/receivables/").status_code == 404
