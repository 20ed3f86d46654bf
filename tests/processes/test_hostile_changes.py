"""What a person types never turns a saved change into an error answer (issue 15, points 1, 2
and 9): a title with a newline, line items whose totals the card cannot hold, a responsible
person chosen by id from another process."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail import BadHeaderError
from django.test import Client

from processes.models import ApprovalRequest, LineItem, RequestCard
from processes.services import card_item_add
from tests.processes.test_api import api_as, card_url, make_returns_executor, make_returns_process

TITLE = "Drills\r\nBcc: someone@example.com"


# A newline in a title (point 1) --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_title_with_a_newline_is_saved_and_mailed_on_one_line(alice, olga):
    answer = api_as(alice).post(
        "/api/cards/",
        {"process": "order-to-cash", "title": TITLE, "discount_percent": "25"},
        format="json",
    )

    assert answer.status_code == 201
    assert RequestCard.objects.get(pk=answer.json()["id"]).title == TITLE
    (message,) = [m for m in mail.outbox if m.to == ["olga@example.com"]]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.message()["Bcc"] is None

    request = ApprovalRequest.objects.get(card_id=answer.json()["id"])
    decided = api_as(olga).post(f"/api/approvals/{request.pk}/approve/", {}, format="json")

    assert decided.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_commit_does_not_undo_the_answer(alice, olga, monkeypatch):
    def refuse(**kwargs):
        raise BadHeaderError("Header values can't contain newlines")

    monkeypatch.setattr("notifications.services.notifications.email_queue", refuse)

    created = api_as(alice).post(
        "/api/cards/",
        {"process": "order-to-cash", "title": TITLE, "discount_percent": "25"},
        format="json",
    )
    assert created.status_code == 201
    request = ApprovalRequest.objects.get(card_id=created.json()["id"])

    decided = api_as(olga).post(f"/api/approvals/{request.pk}/approve/", {}, format="json")
    assert decided.status_code == 200
    request.refresh_from_db()
    assert request.status == "approved"

    client = Client()
    client.force_login(alice)
    form = client.post(
        "/cards/new/?process=order-to-cash",
        {
            "title": TITLE,
            "channel": "email",
            "priority": "normal",
            "payment_terms": "prepaid",
            "discount_percent": "25",
        },
    )
    assert form.status_code == 302
    assert RequestCard.objects.filter(title=TITLE).count() == 2


# Line item totals (point 2) -----------------------------------------------------------------

BIG_ITEM = {"product": "Bulk", "quantity": "100000", "unit_price": "9999999.99", "unit_cost": "1"}


@pytest.mark.django_db
def test_items_whose_price_total_overflows_are_refused_in_the_api(alice, make_card):
    card = make_card()
    client = api_as(alice)
    assert client.post(card_url(card, "items/"), BIG_ITEM, format="json").status_code == 201

    answer = client.post(card_url(card, "items/"), BIG_ITEM, format="json")

    assert answer.status_code == 400
    assert "price total" in answer.json()["unit_price"][0]
    card = RequestCard.objects.get(pk=card.pk)
    assert (card.items_count, LineItem.objects.filter(card=card).count()) == (1, 1)
    assert card.items_price_total == Decimal("999999999000.00")


@pytest.mark.django_db
def test_items_whose_price_total_overflows_are_refused_in_the_form(alice, make_card):
    card = make_card()
    card_item_add(
        actor=alice,
        card=card,
        product="Bulk",
        quantity=Decimal("100000"),
        unit_price=Decimal("9999999.99"),
        unit_cost=Decimal("1"),
    )
    card.refresh_from_db()
    client = Client()
    client.force_login(alice)

    answer = client.post(f"/cards/{card.pk}/items/", {**BIG_ITEM, "version": card.version})

    assert answer.status_code == 400
    assert "price total" in answer.content.decode()
    assert LineItem.objects.filter(card=card).count() == 1


@pytest.mark.django_db
def test_items_within_the_totals_are_added(alice, make_card):
    card = make_card()
    item = {**BIG_ITEM, "quantity": "10000"}
    client = api_as(alice)

    codes = [client.post(card_url(card, "items/"), item, format="json").status_code for _ in "ab"]

    assert codes == [201, 201]
    assert RequestCard.objects.get(pk=card.pk).items_price_total == Decimal("199999999800.00")


# A responsible person of another process (point 9) ------------------------------------------


@pytest.mark.django_db
def test_choosing_a_user_of_another_process_names_no_one(alice, make_card):
    outsider = make_returns_executor(make_returns_process())
    card = make_card()

    answer = api_as(alice).patch(
        card_url(card), {"responsible": outsider.pk, "version": card.version}, format="json"
    )

    assert answer.status_code == 400
    assert answer.json() == {"responsible": ["This person cannot take this card."]}
    assert outsider.username not in answer.content.decode()
