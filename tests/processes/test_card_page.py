"""The card page's polish (issue 14, point 5): a refusal said once with nothing opened by
itself, finished cards read-only but for documents, people by name, values formatted, one
labelled date format in the process's zone."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opmodel.errors import Refused
from opmodel.formatting import moment_text, times_note
from processes.models import BusinessCalendar
from processes.services import (
    card_item_add,
    card_transition,
    card_update,
    document_add,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def page_of(client, card):
    return client.get(reverse("card-detail", args=[card.pk]))


def test_a_refused_move_says_its_reasons_once_and_opens_nothing(as_alice, make_card):
    card = make_card(title="No client yet")

    answer = as_alice.post(
        reverse("card-transition", args=[card.pk, "qualify"]), {"version": card.version}
    )

    html = answer.content.decode()
    assert answer.status_code == 400
    assert html.count("Set the client.") == 1
    assert "Qualify is refused." in html
    assert 'id="unmet-qualify"' not in html  # the refusal at the top lists them
    assert 'aria-describedby="refusal-reasons"' in html
    assert '<details class="lost">' in html  # the lost form stays closed


def test_a_refused_lost_move_opens_its_own_form(as_alice, make_card):
    card = make_card()
    answer = as_alice.post(
        reverse("card-transition", args=[card.pk, "mark_lost"]), {"version": card.version}
    )
    html = answer.content.decode()
    assert '<details class="lost" open>' in html
    assert html.count("Give the reason the deal was lost.") == 1


def test_a_finished_card_is_read_only_but_for_documents(as_alice, make_card, alice, priced_card):
    card_transition(actor=alice, card=priced_card, name="mark_lost", lost_reason="Price")

    with pytest.raises(Refused, match="finished"):
        card_update(actor=alice, card=priced_card, changes={"discount_percent": Decimal("5")})
    with pytest.raises(Refused, match="finished"):
        card_item_add(
            actor=alice,
            card=priced_card,
            product="Saw",
            quantity=Decimal("1"),
            unit_price=Decimal("1"),
            unit_cost=Decimal("1"),
        )
    document = document_add(
        actor=alice, card=priced_card, file=SimpleUploadedFile("note.pdf", b"%PDF"), name="Note"
    )
    assert document.pk

    response = page_of(as_alice, priced_card)
    html = response.content.decode()
    assert reverse("card-edit", args=[priced_card.pk]) not in html
    assert reverse("card-item-add", args=[priced_card.pk]) not in html
    assert reverse("card-document-add", args=[priced_card.pk]) in html
    assert "Finished: read-only (documents may still be added)" in html
    # The edit page sends back to the card, with why.
    edit = as_alice.get(reverse("card-edit", args=[priced_card.pk]), follow=True)
    assert edit.redirect_chain == [(reverse("card-detail", args=[priced_card.pk]), 302)]
    assert "This card is finished: its data is read-only." in edit.content.decode()


def test_a_process_may_close_documents_of_finished_cards(as_alice, o2c, alice, priced_card):
    o2c.documents_when_finished = False
    o2c.save()
    card_transition(actor=alice, card=priced_card, name="mark_lost", lost_reason="Price")
    priced_card.process.refresh_from_db()
    with pytest.raises(Refused, match="documents"):
        document_add(actor=alice, card=priced_card, file=SimpleUploadedFile("n.pdf", b"%PDF"))
    html = page_of(as_alice, priced_card).content.decode()
    assert reverse("card-document-add", args=[priced_card.pk]) not in html
    assert "Finished: read-only</span>" in html


def test_history_names_people_and_formats_values(as_alice, make_card, alice, bob, acme):
    bob.first_name, bob.last_name = "Bob", "Baker"
    bob.save()
    alice.first_name, alice.last_name = "Alice", "Archer"
    alice.save()
    card = make_card(client=acme, responsible=bob)
    card_update(actor=alice, card=card, changes={"discount_percent": Decimal("15")})
    card_update(actor=alice, card=card, changes={"responsible": alice})
    card_item_add(
        actor=alice,
        card=card,
        product="Drill",
        quantity=Decimal("2.000"),
        unit_price=Decimal("1250"),
        unit_cost=Decimal("700.5"),
    )

    entries = page_of(as_alice, card).context["timeline"]

    details = [line for e in entries for line in e["details"]]
    assert "Responsible: Bob Baker" in details
    assert "0% \u2192 15%" in details
    assert "Bob Baker \u2192 Alice Archer" in details
    assert "Drill: 2 \u00d7 1,250.00 (cost 700.50)" in details
    assert {e["actor"] for e in entries} == {"Alice Archer"}


def test_dates_are_shown_in_the_process_zone_named_once(client, alice, o2c, make_card):
    tokyo = BusinessCalendar.objects.create(name="Tokyo office", timezone="Asia/Tokyo")
    o2c.calendar = tokyo
    o2c.save()
    with time_machine.travel(datetime(2026, 11, 24, 1, 5, tzinfo=UTC), tick=False):
        # Logged in at the pinned instant: a session opened on the real clock would have
        # expired by then when the real clock is weeks earlier (it failed at 2026-10-25).
        client.force_login(alice)
        card = make_card()
        html = page_of(client, card).content.decode()
    # Every time in Tokyo's zone, written without it (the creation, the history's entry);
    # the zone named once, by the heading.
    assert html.count("Nov 24, 2026, 10:05<") >= 2
    assert "Times in Asia/Tokyo (JST)." in html
    assert html.count("JST") == 1
    assert "UTC" not in html and "CET" not in html
    assert moment_text(datetime(2026, 7, 1, 12, tzinfo=UTC), "Europe/Berlin") == (
        "Jul 1, 2026, 14:00"
    )
    summer = datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert times_note({"Europe/Berlin": ()}, summer) == "Times in Europe/Berlin (CEST)."
    assert times_note({"Europe/Berlin": ["Order to cash"], "Asia/Tokyo": ["Tokyo"]}, summer) == (
        "Times in each process's zone: Asia/Tokyo (JST) for Tokyo; "
        "Europe/Berlin (CEST) for Order to cash."
    )
