from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from stock.models import Movement, StockLine
from stock.services.reservations import card_lines_reserve

pytestmark = pytest.mark.django_db


def test_warehouse_pages_for_the_warehouse_role_only(client, wanda, ollie, charlie, receive, drill):
    receive(drill, 4)
    for user in (ollie, charlie):
        client.force_login(user)
        for url in ["/stock/", "/stock/products/DRL-1/", "/stock/movements/new/"]:
            assert client.get(url).status_code == 404, (user, url)
    client.force_login(wanda)
    listing = client.get("/stock/").content.decode()
    assert "DRL-1" in listing and ">4<" in listing
    ledger = client.get("/stock/products/DRL-1/").content.decode()
    assert "Receipt" in ledger and "wanda" in ledger


def test_receipt_form_records_and_names_a_bad_field(client, wanda, drill, main_warehouse):
    client.force_login(wanda)
    body = {"sku": "DRL-1", "warehouse": "MAIN", "quantity": "3", "kind": "receipt"}
    assert client.post("/stock/movements/new/", body).status_code == 302
    assert Movement.objects.get().quantity == 3
    bad = client.post("/stock/movements/new/", {**body, "sku": "NOPE"})
    assert bad.status_code == 400 and "There is no product with the SKU" in bad.content.decode()
    assert Movement.objects.count() == 1


def test_card_page_shows_availability_and_the_board_marks_a_short_card(
    client, alice, stock_card, receive, drill, o2c, purchasing, django_capture_on_commit_callbacks
):
    receive(drill, 1)
    card = stock_card(drill, 3)
    with django_capture_on_commit_callbacks() as queued:
        card_lines_reserve(actor=alice, card=card, now=timezone.now())
    client.force_login(alice)
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert "Availability and reserve" in page
    assert "2 short" in page and "purchase card being raised" in page
    for task in queued:  # the worker's catch-up
        task()
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert "Linked cards" in page and "purchase card being raised" not in page
    board = client.get(f"/?process={o2c.slug}").content.decode()
    assert "Short of stock" in board


@pytest.fixture
def line_added(client, alice, make_card, acme, receive, drill, purchasing):
    """(card, line): 5 drills received, a card given a line of 2 on its page by alice (logged
    in)."""
    receive(drill, 5)
    card = make_card(client=acme)
    client.force_login(alice)
    body = {"sku": "DRL-1", "quantity": "2", "unit_price": "10", "unit_cost": "5"}
    assert client.post(f"/cards/{card.pk}/stock-items/", body).status_code == 302
    return card, StockLine.objects.get()


def test_reserve_and_stock_line_actions_on_the_card_page(client, line_added):
    card, line = line_added
    assert client.post(f"/cards/{card.pk}/reserve/").status_code == 302
    line.refresh_from_db()
    assert line.reserved == 2
    url = f"/cards/{card.pk}/stock-items/{line.item_id}/"
    assert client.post(url, {"quantity": "1"}).status_code == 302
    line.refresh_from_db()
    assert (line.quantity, line.reserved) == (Decimal(1), Decimal(1))
    assert client.post(url, {"remove": "1"}).status_code == 302
    assert not StockLine.objects.exists()


def test_a_bad_quantity_for_a_stock_line_is_named_and_changes_nothing(client, line_added):
    card, line = line_added
    url = f"/cards/{card.pk}/stock-items/{line.item_id}/"
    for quantity, words in (("-1", "greater than or equal to 0"), ("two", "Enter a number")):
        answer = client.post(url, {"quantity": quantity})
        assert answer.status_code == 302
        said = [str(m) for m in get_messages(answer.wsgi_request)]  # read: gone from the next
        assert said[-1].startswith("quantity: ") and words in said[-1], said
        assert "Line changed." not in said
        line.refresh_from_db()
        assert line.quantity == Decimal(2)
