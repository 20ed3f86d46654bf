"""The pieces the screens, the API and the services share, each written once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from opmodel.formatting import duration_text, percent_text
from processes.api.inputs import CardDataInputSerializer
from processes.forms import CardForm
from processes.models import EDITABLE_CARD_FIELDS, EventKind, Process
from processes.selectors import process_from_query
from processes.services.events import event_record


def test_the_form_and_the_api_take_the_editable_card_fields(o2c):
    assert set(CardDataInputSerializer().fields) == set(EDITABLE_CARD_FIELDS)
    # The reason for moving a promise goes with the change, it is not a field of the card.
    form_fields = set(CardForm(process=o2c).fields) - {
        "new_client_name",
        "version",
        "promise_reason",
    }
    assert form_fields == set(EDITABLE_CARD_FIELDS)


def test_the_edit_form_starts_from_the_card(make_card, acme, alice):
    card = make_card(client=acme, discount_percent=Decimal("5"))
    initial = CardForm.initial_from(card)
    assert initial["client"] == acme.pk and initial["responsible"] is None
    assert initial["discount_percent"] == Decimal("5") and initial["version"] == card.version


@pytest.fixture
def two_processes(db):
    return [
        Process.objects.create(slug="first", name="First"),
        Process.objects.create(slug="second", name="Second"),
    ]


def test_the_process_picker_reads_the_slug(two_processes):
    assert process_from_query({"process": "second"}, processes=two_processes) == (
        two_processes[1],
        {},
    )
    assert process_from_query({}, processes=two_processes) == (two_processes[0], {})
    # Without a slug: the process installed first, whatever order the page lists them in.
    listed_by_name_descending = list(reversed(two_processes))
    assert process_from_query({}, processes=listed_by_name_descending) == (two_processes[0], {})
    assert process_from_query({}, processes=[]) == (None, {})


def test_the_process_picker_reports_an_unknown_or_missing_process(two_processes):
    process, errors = process_from_query({"process": "hidden"}, processes=two_processes)
    assert process is None and "hidden" in errors["process"][0]
    process, errors = process_from_query({"process": " "}, processes=two_processes, required=True)
    assert process is None
    assert errors["process"] == ["Give the process, e.g. process=order-to-cash."]


def test_an_event_happens_in_the_card_status_unless_told(make_card, alice):
    card = make_card()
    note = event_record(card=card, kind=EventKind.BLOCK, actor=alice, at=card.created_at)
    assert (note.pk, note.from_status, note.to_status) == (None, "received", "received")
    move = event_record(
        card=card,
        kind=EventKind.TRANSITION,
        actor=alice,
        at=card.created_at,
        from_status="",
        transition="qualify",
    )
    assert (move.from_status, move.to_status, move.transition) == ("", "received", "qualify")


@pytest.mark.parametrize(
    ("minutes", "one", "two", "hours_only"),
    [
        (0, "<1m", "<1m", "<1m"),
        (45, "45m", "45m", "45m"),
        (5 * 60 + 20, "5h", "5h 20m", "5h 20m"),
        (51 * 60, "2d", "2d 3h", "51h"),
        (75 * 24 * 60, "10w", "75d", "1800h"),
    ],
)
def test_one_duration_format_for_ages_and_time_left(minutes, one, two, hours_only):
    delta = timedelta(minutes=minutes)
    assert duration_text(delta) == one
    assert duration_text(delta, units=2) == two
    assert duration_text(-delta, units=2, with_days=False) == hours_only


def test_one_percent_format():
    assert percent_text(Decimal("15.00")) == "15%"
    assert percent_text(Decimal("12.5")) == "12.50%"
    assert percent_text(None) == "—"


def test_the_queue_pager_links_the_next_page(client, alice, make_card, monkeypatch):
    monkeypatch.setattr("processes.views.queue.QUEUE_PAGE_SIZE", 1)
    make_card(title="First")
    make_card(title="Second")
    client.force_login(alice)
    page = client.get(reverse("queue")).content.decode()
    assert 'href="?page=2"' in page and "Page 1 of 2 · 2 cards" in page
    page = client.get(reverse("queue"), {"page": 2}).content.decode()
    assert 'href="?page=1"' in page
