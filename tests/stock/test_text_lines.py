"""Free-text lines (services, non-stock goods) follow the stock lines' rule: editable and
removable on the card page and through the API until the card ships, then refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from processes.models import Event, EventKind, LineItem
from processes.services import card_item_add, card_transition, card_update
from tests.conftest import settle

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_card(make_card, alice, acme, purchasing):
    """A card in `qualified` with one free-text line: 2 x Installation at 100 (cost 60)."""
    card = make_card(title="Install", client=acme)
    item = card_item_add(
        actor=alice,
        card=card,
        product="Installation",
        quantity=Decimal(2),
        unit_price=Decimal("100"),
        unit_cost=Decimal("60"),
    )
    card_transition(actor=alice, card=card, name="qualify")
    card.refresh_from_db()
    return card, item


def _ship(card, alice):
    card_update(
        actor=alice,
        card=card,
        changes={
            "shipment_date": timezone.now().date(),
            "promised_on": timezone.now().date() + timedelta(days=1),
        },
    )
    for name in ["price", "agree", "invoice"]:
        card_transition(actor=alice, card=card, name=name)
    settle(card)
    card_transition(actor=alice, card=card, name="fulfil")
    card.refresh_from_db()
    assert card.status == "fulfilled"


def test_the_card_page_changes_and_removes_a_free_text_line(client, alice, service_card):
    card, item = service_card
    client.force_login(alice)
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert "Free-text lines" in page
    assert f'action="/cards/{card.pk}/text-items/{item.pk}/"' in page
    url = f"/cards/{card.pk}/text-items/{item.pk}/"
    prefix = f"text{item.pk}"
    body = {
        f"{prefix}-version": card.version,
        f"{prefix}-quantity": "3",
        f"{prefix}-unit_price": "90",
        f"{prefix}-unit_cost": "60",
    }

    answer = client.post(url, body)

    assert answer.status_code == 302
    item.refresh_from_db()
    assert (item.quantity, item.unit_price) == (Decimal(3), Decimal(90))
    card.refresh_from_db()
    assert card.items_price_total == Decimal(270)
    changed = Event.objects.get(card=card, kind=EventKind.ITEM_CHANGED)
    assert changed.data["changes"]["quantity"] == ["2.000", "3"]

    answer = client.post(url, {f"{prefix}-version": card.version, f"{prefix}-remove": "1"})

    assert answer.status_code == 302
    assert not LineItem.objects.filter(pk=item.pk).exists()
    assert Event.objects.filter(card=card, kind=EventKind.ITEM_REMOVED).count() == 1


def test_a_bad_value_comes_back_beside_its_field(client, alice, service_card):
    card, item = service_card
    client.force_login(alice)
    prefix = f"text{item.pk}"
    body = {
        f"{prefix}-version": card.version,
        f"{prefix}-quantity": "-1",
        f"{prefix}-unit_price": "",
        f"{prefix}-unit_cost": "60",
    }

    answer = client.post(f"/cards/{card.pk}/text-items/{item.pk}/", body)

    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'class="field has-error"' in page
    assert "Ensure this value is greater than or equal to 0.001." in page
    assert "This field is required." in page
    assert f'name="{prefix}-quantity" value="-1"' in page  # what was typed stays
    item.refresh_from_db()
    assert item.quantity == Decimal(2)


def test_a_shipped_card_refuses_free_text_line_changes_on_the_page_and_the_api(
    client, alice, service_card
):
    card, item = service_card
    _ship(card, alice)
    client.force_login(alice)
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert "This card has shipped: its lines can no longer change." in page
    assert f"/text-items/{item.pk}/" not in page
    prefix = f"text{item.pk}"

    refused = client.post(
        f"/cards/{card.pk}/text-items/{item.pk}/",
        {f"{prefix}-quantity": "1", f"{prefix}-unit_price": "1", f"{prefix}-unit_cost": "1"},
    )
    assert refused.status_code == 400
    assert "This card has shipped: its lines can no longer change." in refused.content.decode()

    api = f"/api/cards/{card.pk}/items/{item.pk}/"
    patched = client.patch(api, {"quantity": "1"}, content_type="application/json")
    assert patched.status_code == 400
    assert patched.json()["detail"] == "This card has shipped: its lines can no longer change."
    assert client.delete(api).status_code == 400
    item.refresh_from_db()
    assert item.quantity == Decimal(2)
    assert not Event.objects.filter(
        card=card, kind__in=[EventKind.ITEM_CHANGED, EventKind.ITEM_REMOVED]
    ).exists()


def test_before_shipping_the_api_still_changes_a_free_text_line(client, alice, service_card):
    card, item = service_card
    client.force_login(alice)
    answer = client.patch(
        f"/api/cards/{card.pk}/items/{item.pk}/",
        {"quantity": "5"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    item.refresh_from_db()
    assert item.quantity == Decimal(5)


def test_a_stock_line_on_a_shipped_card_is_refused_the_same_way(
    client, alice, stock_card, receive, drill
):
    receive(drill, 3)
    card = stock_card(drill, 2)
    _ship(card, alice)
    item = LineItem.objects.get(card=card)
    client.force_login(alice)
    answer = client.patch(
        f"/api/cards/{card.pk}/items/{item.pk}/", {"quantity": "1"}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert "can no longer change" in answer.json()["detail"]
