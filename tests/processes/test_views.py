"""The server-rendered screens: board, my queue, the card page, its actions and forms.

Personas from tests/conftest.py: alice is the executor, bob the accountable, olga an approver,
charlie holds no role (he must see nothing, not even a title).
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from processes.models import Client, Event, EventKind, LineItem, RequestCard
from processes.services import (
    card_block,
    card_item_add,
    card_transition,
    card_unblock,
    card_update,
)

pytestmark = pytest.mark.django_db


def card_url(card, name="card-detail", **kwargs):
    return reverse(name, kwargs={"card_id": card.pk, **kwargs})


def move_url(card, name):
    return reverse("card-transition", kwargs={"card_id": card.pk, "name": name})


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def as_charlie(client, charlie):
    client.force_login(charlie)
    return client


@pytest.fixture
def card(make_card, acme):
    return make_card(title="Drills for Acme", client=acme)


# ------------------------------------------------------------------ login and methods


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("board", {}),
        ("queue", {}),
        ("card-new", {}),
        ("card-detail", {"card_id": 1}),
        ("card-edit", {"card_id": 1}),
        ("card-document", {"card_id": 1, "document_id": 1}),
    ],
)
def test_anonymous_is_sent_to_login(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_post_is_sent_to_login_and_nothing_moves(client, card):
    response = client.post(move_url(card, "qualify"), {"version": card.version})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    card.refresh_from_db()
    assert card.status == "received"


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


@pytest.mark.parametrize(
    "name,extra",
    [
        ("card-transition", {"name": "qualify"}),
        ("card-block", {}),
        ("card-unblock", {}),
        ("card-item-add", {}),
        ("card-document-add", {}),
    ],
)
def test_get_on_an_action_is_405(as_alice, card, name, extra):
    response = as_alice.get(reverse(name, kwargs={"card_id": card.pk, **extra}))
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["board", "queue"])
def test_post_on_a_page_is_405(as_alice, name):
    assert as_alice.post(reverse(name)).status_code == 405


def test_post_on_the_card_page_is_405(as_alice, card):
    assert as_alice.post(card_url(card)).status_code == 405


def test_logout_is_a_post(as_alice):
    response = as_alice.post(reverse("logout"))
    assert response.status_code == 302
    assert as_alice.get(reverse("board")).status_code == 302


# ------------------------------------------------------------------ board


def test_board_shows_columns_and_tiles(as_alice, make_card, acme, alice):
    make_card(title="Drills for Acme", client=acme, responsible=alice, priority="urgent")
    blocked = make_card(title="Saws waiting for stock")
    card_block(actor=alice, card=blocked, reason="waiting_stock", note="Supplier late")

    response = as_alice.get(reverse("board"))

    assert response.status_code == 200
    html = response.content.decode()
    for status_name in ["Received", "Qualified", "Priced", "Agreed", "To ship", "Closed"]:
        assert status_name in html
    assert "Drills for Acme" in html
    assert "Acme Tools" in html
    assert "Urgent" in html
    assert "alice" in html
    assert "Blocked: Waiting for stock" in html
    assert reverse("card-detail", kwargs={"card_id": blocked.pk}) in html
    assert "New card" in html


def test_board_summary_counts_every_open_card_not_only_the_drawn(
    as_alice, make_card, alice, monkeypatch
):
    monkeypatch.setattr("processes.views.board.BOARD_COLUMN_LIMIT", 1)
    cards = [make_card(title=f"Order {i}", responsible=alice if i < 2 else None) for i in range(5)]
    for blocked in cards[1:4]:
        card_block(actor=alice, card=blocked, reason="waiting_customer")
    response = as_alice.get(reverse("board"))
    assert response.content.decode().count("data-card=") == 1
    context = response.context
    assert (context["open_count"], context["blocked_count"], context["unassigned_count"]) == (
        5,
        3,
        3,
    )


def test_board_puts_final_statuses_last(as_alice):
    response = as_alice.get(reverse("board"))
    slugs = [column.status.slug for column in response.context["columns"]]
    assert slugs[-2:] == ["closed", "lost"]
    assert slugs[0] == "received"


def test_board_has_no_new_card_button_for_an_approver(client, olga, card):
    client.force_login(olga)
    response = client.get(reverse("board"))
    assert response.status_code == 200
    assert "Drills for Acme" in response.content.decode()
    assert "New card" not in response.content.decode()


def test_board_for_the_outsider_is_empty_and_leaks_nothing(as_charlie, card):
    response = as_charlie.get(reverse("board"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No processes for you yet" in html
    assert "Drills for Acme" not in html
    assert "Acme Tools" not in html


def test_board_of_a_process_the_user_cannot_see_is_404(as_charlie, card):
    assert as_charlie.get(reverse("board"), {"process": "order-to-cash"}).status_code == 404


def test_board_unknown_process_is_404(as_alice):
    assert as_alice.get(reverse("board"), {"process": "nope"}).status_code == 404


# ------------------------------------------------------------------ my queue


def test_queue_lists_running_deadlines_before_paused_ones(as_alice, make_card, alice):
    now = timezone.now()
    newer = make_card(title="Newer order", at=now - timedelta(days=1))
    older = make_card(title="Older order", at=now - timedelta(days=5))
    card_block(actor=alice, card=older, reason="waiting_customer")

    response = as_alice.get(reverse("queue"))

    assert response.status_code == 200
    html = response.content.decode()
    # the blocked card's clock is paused: the running deadline comes first
    assert html.index("Newer order") < html.index("Older order")
    assert "5d" in html
    assert "Qualify the request" in html  # the status's next action
    assert "Blocked: Waiting for customer" in html
    assert newer.title in html


def test_queue_pages_walk_the_whole_order_across_kinds_of_clock(
    as_alice, make_card, alice, monkeypatch, time_machine
):
    # Monday 2026-11-23 10:00 UTC (11:00 in Berlin): the standard calendar is at work.
    now = datetime(2026, 11, 23, 10, tzinfo=UTC)
    time_machine.move_to(now, tick=False)
    as_alice.force_login(alice)
    cards = [make_card(title=f"Order {i}", at=now - timedelta(minutes=10 * i)) for i in range(7)]
    for paused in (cards[1], cards[4]):
        card_block(actor=alice, card=paused, reason="waiting_customer", at=now)
    # A card whose status has no deadline (its clock columns empty).
    RequestCard.objects.filter(pk=cards[2].pk).update(
        sla_allowance=None, sla_resumed_at=None, due_at=None, at_risk_at=None
    )
    monkeypatch.setattr("processes.views.queue.QUEUE_PAGE_SIZE", 3)

    seen = []
    for number in (1, 2, 3):
        response = as_alice.get(reverse("queue"), {"page": number})
        seen += [row["card"].pk for row in response.context["rows"]]

    # Running deadlines soonest first (the earliest created is due first), then the paused
    # clocks, then the card without a deadline: across the page boundaries, none twice.
    running = [cards[i].pk for i in (6, 5, 3, 0)]
    assert seen[:4] == running
    assert set(seen[4:6]) == {cards[1].pk, cards[4].pk}
    assert seen[6:] == [cards[2].pk]


def test_queue_leaves_out_finished_cards(as_alice, make_card, alice):
    lost = make_card(title="Gone deal")
    card_transition(actor=alice, card=lost, name="mark_lost", lost_reason="Price")
    response = as_alice.get(reverse("queue"))
    assert "Gone deal" not in response.content.decode()


def test_queue_for_the_outsider_is_empty(as_charlie, card):
    response = as_charlie.get(reverse("queue"))
    assert response.status_code == 200
    assert "Nothing in your queue" in response.content.decode()
    assert "Drills for Acme" not in response.content.decode()


# ------------------------------------------------------------------ card page


def test_card_page_shows_data_items_moves_and_history(as_alice, priced_card):
    response = as_alice.get(card_url(priced_card))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Order of drills" in html
    assert "Acme Tools" in html
    assert "Qualify the request" in html  # next action of `received`
    assert "Drill" in html and "200.00" in html  # the line item and its total
    assert "40%" in html  # margin: (200 - 120) / 200
    assert 'data-transition="qualify"' in html
    assert 'data-transition="mark_lost"' in html
    assert "Line item added" in html and "Created in Received" in html
    assert f'name="version" value="{priced_card.version}"' in html


def test_card_page_shows_why_a_move_is_refused(as_alice, make_card):
    card = make_card(title="No client yet")
    html = as_alice.get(card_url(card)).content.decode()
    assert "Set the client." in html
    assert 'data-transition="qualify" disabled' in html


def test_card_page_for_an_approver_shows_moves_disabled_with_the_role_reason(client, olga, card):
    client.force_login(olga)
    response = client.get(card_url(card))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only the executor or accountable may do this." in html
    assert "Add line item" not in html


def test_card_page_for_the_outsider_is_404(as_charlie, card):
    response = as_charlie.get(card_url(card))
    assert response.status_code == 404
    assert b"Drills for Acme" not in response.content


def test_card_page_of_a_missing_card_is_404(as_alice):
    assert as_alice.get(reverse("card-detail", kwargs={"card_id": 999999})).status_code == 404


# ------------------------------------------------------------------ transitions


def test_transition_moves_the_card_and_redirects_with_a_message(as_alice, card):
    response = as_alice.post(
        move_url(card, "qualify"), {"version": card.version, "comment": "Called the buyer"}
    )

    assert response.status_code == 302
    assert response["Location"] == card_url(card)
    card.refresh_from_db()
    assert card.status == "qualified"
    event = Event.objects.get(card=card, kind=EventKind.TRANSITION)
    assert (event.from_status, event.to_status, event.comment) == (
        "received",
        "qualified",
        "Called the buyer",
    )
    page = as_alice.get(response["Location"]).content.decode()
    assert "Moved to Qualified." in page
    assert "Called the buyer" in page


def test_refused_transition_shows_its_reasons_and_writes_nothing(as_alice, make_card):
    card = make_card(title="No client")
    response = as_alice.post(move_url(card, "qualify"), {"version": card.version})

    assert response.status_code == 400
    assert "Set the client." in response.content.decode()
    card.refresh_from_db()
    assert card.status == "received"
    assert not Event.objects.filter(card=card, kind=EventKind.TRANSITION).exists()


def test_transition_not_allowed_from_the_status_is_400(as_alice, card):
    response = as_alice.post(move_url(card, "close"), {"version": card.version})
    assert response.status_code == 400
    assert "not possible from the status" in response.content.decode()


def test_unknown_transition_is_400(as_alice, card):
    response = as_alice.post(move_url(card, "teleport"), {"version": card.version})
    assert response.status_code == 400
    assert "Unknown transition" in response.content.decode()


def test_stale_version_gets_the_conflict_message_and_nothing_moves(as_alice, card, bob):
    seen_version = card.version
    card_update(actor=bob, card=card, changes={"priority": "high"})  # someone else, meanwhile

    response = as_alice.post(move_url(card, "qualify"), {"version": seen_version})

    assert response.status_code == 409
    assert "Someone else changed this card" in response.content.decode()
    card.refresh_from_db()
    assert card.status == "received"
    # The page now shows the fresh version, so a second try is a deliberate one.
    assert f'name="version" value="{card.version}"' in response.content.decode()


def test_approver_may_not_move_403(client, olga, card):
    client.force_login(olga)
    response = client.post(move_url(card, "qualify"), {"version": card.version})
    assert response.status_code == 403
    card.refresh_from_db()
    assert card.status == "received"


def test_outsider_cannot_move_404(as_charlie, card):
    response = as_charlie.post(move_url(card, "qualify"), {"version": card.version})
    assert response.status_code == 404
    card.refresh_from_db()
    assert card.status == "received"


def test_mark_lost_needs_a_reason(as_alice, card):
    response = as_alice.post(move_url(card, "mark_lost"), {"version": card.version})
    assert response.status_code == 400
    assert "Give the reason the deal was lost." in response.content.decode()

    response = as_alice.post(
        move_url(card, "mark_lost"), {"version": card.version, "lost_reason": "Chose a rival"}
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert (card.status, card.lost_reason) == ("lost", "Chose a rival")


def test_malformed_version_is_400(as_alice, card):
    response = as_alice.post(move_url(card, "qualify"), {"version": "abc"})
    assert response.status_code == 400
    card.refresh_from_db()
    assert card.status == "received"


# ------------------------------------------------------------------ line items


def test_add_line_item(as_alice, card):
    response = as_alice.post(
        card_url(card, "card-item-add"),
        {
            "version": card.version,
            "product": "Hammer",
            "quantity": "3",
            "unit_price": "10.50",
            "unit_cost": "6",
        },
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.items_count == 1
    assert card.items_price_total == Decimal("31.50")


def test_negative_quantity_is_a_field_error_and_nothing_is_written(as_alice, card):
    version = card.version
    response = as_alice.post(
        card_url(card, "card-item-add"),
        {
            "version": version,
            "product": "Hammer",
            "quantity": "-2",
            "unit_price": "10",
            "unit_cost": "6",
        },
    )
    assert response.status_code == 400
    form = response.context["item_form"]
    assert "quantity" in form.errors
    assert "greater than or equal to 0.001" in response.content.decode()
    assert not LineItem.objects.filter(card=card).exists()
    card.refresh_from_db()
    assert card.version == version


def test_item_on_a_stale_page_is_a_conflict(as_alice, card, alice):
    seen = card.version
    card_item_add(
        actor=alice,
        card=card,
        product="Saw",
        quantity=Decimal("1"),
        unit_price=Decimal("5"),
        unit_cost=Decimal("1"),
    )
    response = as_alice.post(
        card_url(card, "card-item-add"),
        {
            "version": seen,
            "product": "Hammer",
            "quantity": "1",
            "unit_price": "1",
            "unit_cost": "1",
        },
    )
    assert response.status_code == 409
    assert LineItem.objects.filter(card=card).count() == 1


def test_approver_may_not_add_items_403(client, olga, card):
    client.force_login(olga)
    response = client.post(
        card_url(card, "card-item-add"),
        {
            "version": card.version,
            "product": "X",
            "quantity": "1",
            "unit_price": "1",
            "unit_cost": "1",
        },
    )
    assert response.status_code == 403
    assert not LineItem.objects.filter(card=card).exists()


# ------------------------------------------------------------------ blocks


def test_block_and_unblock(as_alice, card):
    response = as_alice.post(
        card_url(card, "card-block"),
        {"version": card.version, "reason": "waiting_documents", "note": "No certificate"},
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.is_blocked and card.block_reason.slug == "waiting_documents"
    page = as_alice.get(card_url(card)).content.decode()
    assert "Blocked: Waiting for documents" in page
    assert "No certificate" in page

    response = as_alice.post(card_url(card, "card-unblock"), {"version": card.version})
    assert response.status_code == 302
    card.refresh_from_db()
    assert not card.is_blocked
    page = as_alice.get(card_url(card)).content.decode()
    assert "Unblocked" in page


def test_block_with_an_unknown_reason_is_a_field_error(as_alice, card):
    response = as_alice.post(
        card_url(card, "card-block"), {"version": card.version, "reason": "holiday"}
    )
    assert response.status_code == 400
    assert "reason" in response.context["block_form"].errors
    card.refresh_from_db()
    assert not card.is_blocked


def test_unblock_of_an_unblocked_card_is_refused(as_alice, card):
    response = as_alice.post(card_url(card, "card-unblock"), {"version": card.version})
    assert response.status_code == 400
    assert "The card is not blocked." in response.content.decode()


# ------------------------------------------------------------------ documents


def test_upload_and_download_a_document(as_alice, card, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = as_alice.post(
        card_url(card, "card-document-add"),
        {"version": card.version, "file": upload, "name": "Invoice 42"},
    )
    assert response.status_code == 302
    document = card.documents.get()
    page = as_alice.get(card_url(card)).content.decode()
    assert "Invoice 42" in page

    url = reverse("card-document", kwargs={"card_id": card.pk, "document_id": document.pk})
    response = as_alice.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in response["Content-Disposition"]


def test_upload_without_a_file_is_a_field_error(as_alice, card):
    response = as_alice.post(card_url(card, "card-document-add"), {"version": card.version})
    assert response.status_code == 400
    assert "file" in response.context["document_form"].errors


def test_outsider_cannot_download_a_document(client, as_alice, charlie, card, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("secret.txt", b"secret")
    as_alice.post(card_url(card, "card-document-add"), {"version": card.version, "file": upload})
    document = card.documents.get()
    url = reverse("card-document", kwargs={"card_id": card.pk, "document_id": document.pk})

    client.force_login(charlie)
    assert client.get(url).status_code == 404


def test_document_of_another_card_is_404(as_alice, card, make_card, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = make_card(title="Other")
    upload = SimpleUploadedFile("a.txt", b"a")
    as_alice.post(card_url(card, "card-document-add"), {"version": card.version, "file": upload})
    document = card.documents.get()
    url = reverse("card-document", kwargs={"card_id": other.pk, "document_id": document.pk})
    assert as_alice.get(url).status_code == 404


# ------------------------------------------------------------------ create and edit


def card_form_data(**overrides):
    data = {
        "title": "Pumps for Globex",
        "client": "",
        "new_client_name": "",
        "channel": "phone",
        "priority": "high",
        "responsible": "",
        "discount_percent": "0",
        "payment_terms": "prepaid",
        "deferred_days": "",
        "shipment_date": "",
    }
    data.update(overrides)
    return data


def test_new_card_form_renders_with_role_holders_as_responsible(as_alice, bob, charlie):
    response = as_alice.get(reverse("card-new"))
    assert response.status_code == 200
    choices = {str(label) for _, label in response.context["form"].fields["responsible"].choices}
    assert {"alice", "bob"} <= choices
    assert "charlie" not in choices


def test_create_a_card_with_a_new_client(as_alice, alice):
    response = as_alice.post(
        reverse("card-new"), card_form_data(new_client_name="Globex", responsible=alice.pk)
    )
    assert response.status_code == 302
    card = RequestCard.objects.get(title="Pumps for Globex")
    assert response["Location"] == card_url(card)
    assert (card.client.name, card.priority, card.status) == ("Globex", "high", "received")
    assert card.responsible == alice


def test_create_with_errors_writes_nothing(as_alice):
    response = as_alice.post(
        reverse("card-new"),
        card_form_data(title="", new_client_name="Initech", discount_percent="150"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "title" in errors and "discount_percent" in errors
    assert not RequestCard.objects.exists()
    assert not Client.objects.filter(name="Initech").exists()


def test_create_deferred_needs_days(as_alice):
    response = as_alice.post(reverse("card-new"), card_form_data(payment_terms="deferred"))
    assert response.status_code == 400
    assert "Deferred payment needs a number of days." in response.content.decode()
    assert not RequestCard.objects.exists()


def test_create_with_an_existing_client_name_is_a_field_error(as_alice, acme):
    response = as_alice.post(reverse("card-new"), card_form_data(new_client_name="Acme Tools"))
    assert response.status_code == 400
    assert "new_client_name" in response.context["form"].errors
    assert not RequestCard.objects.exists()


def test_outsider_may_not_create(as_charlie):
    assert as_charlie.get(reverse("card-new")).status_code == 403
    assert as_charlie.post(reverse("card-new"), card_form_data()).status_code == 403
    assert not RequestCard.objects.exists()


def test_edit_records_tracked_changes(as_alice, card):
    data = card_form_data(
        title=card.title,
        client=card.client_id,
        channel=card.channel,
        priority=card.priority,
        discount_percent="5",
        payment_terms="deferred",
        deferred_days="30",
        shipment_date="2031-03-01",
        version=card.version,
    )
    response = as_alice.post(card_url(card, "card-edit"), data)
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.discount_percent == Decimal("5")
    assert (card.payment_terms, card.deferred_days) == ("deferred", 30)
    assert card.shipment_date == date(2031, 3, 1)
    fields = set(
        Event.objects.filter(card=card, kind=EventKind.FIELD_CHANGE).values_list(
            "data__field", flat=True
        )
    )
    assert fields == {"discount_percent", "payment_terms", "deferred_days", "shipment_date"}


def test_edit_with_discount_over_100_is_a_field_error_and_nothing_changes(as_alice, card):
    version = card.version
    data = card_form_data(title="Renamed", discount_percent="101", version=version)
    response = as_alice.post(card_url(card, "card-edit"), data)
    assert response.status_code == 400
    assert "discount_percent" in response.context["form"].errors
    assert "less than or equal to 100" in response.content.decode()
    card.refresh_from_db()
    assert (card.title, card.discount_percent, card.version) == (
        "Drills for Acme",
        Decimal("0"),
        version,
    )


def test_edit_on_a_stale_page_is_a_conflict(as_alice, card, bob):
    seen = card.version
    card_update(actor=bob, card=card, changes={"title": "Bob's title"})
    response = as_alice.post(
        card_url(card, "card-edit"), card_form_data(title="Alice's title", version=seen)
    )
    assert response.status_code == 409
    assert "Someone else changed this card" in response.content.decode()
    card.refresh_from_db()
    assert card.title == "Bob's title"


def test_edit_for_outsider_is_404_and_for_approver_403(client, charlie, olga, card):
    client.force_login(charlie)
    assert client.get(card_url(card, "card-edit")).status_code == 404
    client.force_login(olga)
    assert client.get(card_url(card, "card-edit")).status_code == 403


# ------------------------------------------------------------------ query counts


def _fill(make_card, alice, acme, count):
    for i in range(count):
        card = make_card(title=f"Order {i}", client=acme, responsible=alice)
        if i % 3 == 0:
            card_block(actor=alice, card=card, reason="waiting_stock")
        elif i % 3 == 1:
            card_transition(actor=alice, card=card, name="qualify")


FILTERS = "?q=order&responsible=me&blocked=false&priority=normal&channel=email"


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("query", ["", FILTERS])
def test_board_runs_a_fixed_number_of_queries(
    as_alice, make_card, alice, acme, count, query, django_assert_num_queries
):
    _fill(make_card, alice, acme, count)
    # session, user, visible processes, role map, the filters' people, clients and saved views,
    # statuses, counts per status, the drawn cards (open and recently finished, one query), the
    # header's unread alerts, and what the apps above add through processes/panels.py: the
    # service level expectation (flow's; no card finished here, so no start times are read) and
    # the tiles' marks (stock's "short", one query for the page). The moves for drag and drop
    # come from the process's definition, held in memory (the cards' moves loaded it).
    with django_assert_num_queries(13):
        response = as_alice.get(reverse("board") + query)
    assert response.status_code == 200
    unblocked = count - (count + 2) // 3
    assert response.content.decode().count("data-card=") == (unblocked if query else count)


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("query", ["", FILTERS])
def test_queue_runs_a_fixed_number_of_queries(
    as_alice, make_card, alice, acme, count, query, django_assert_num_queries
):
    _fill(make_card, alice, acme, count)
    # session, user, the filters' people, clients and saved views, count, page of cards,
    # statuses, role map, the stage statuses (who executes which), the bulk bar's block
    # reasons and statuses, the header's unread alerts
    with django_assert_num_queries(13):
        response = as_alice.get(reverse("queue") + query)
    assert response.status_code == 200
    unblocked = count - (count + 2) // 3
    assert len(response.context["rows"]) == (unblocked if query else count)


@pytest.mark.parametrize("history", [1, 40])
def test_card_page_runs_a_fixed_number_of_queries(
    as_alice, priced_card, alice, history, django_assert_num_queries
):
    for i in range(history):
        card_block(actor=alice, card=priced_card, reason="waiting_stock", note=f"round {i}")
        card_update(actor=alice, card=priced_card, changes={"discount_percent": Decimal(i % 50)})
        card_unblock(actor=alice, card=priced_card)
    # session, user, card, items, documents, events, transitions, their sources, block reasons,
    # statuses, the process's exception rules, the card's approval requests (with rule,
    # requester and decider), role map, the header's unread alerts, and marking the card's
    # alerts and mentions read (opening the card reads them), the assignee picker's people,
    # the linked cards, and stock's panel (its lines with their stock, its purchase cards, the
    # products to pick from), and finance's invoice panel (the card has no invoice: one)
    with django_assert_num_queries(21):
        response = as_alice.get(card_url(priced_card))
    assert response.status_code == 200
    assert len(response.context["timeline"]) >= 2 + history * 2
