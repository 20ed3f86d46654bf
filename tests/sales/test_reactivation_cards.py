"""A reactivation card opened by hand (the board's "New card", POST /api/cards/) gets its
Reactivation row, as the scan's cards do (sales' `card_created` hook)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client as WebClient

from opmodel.errors import InvalidInput
from processes.models import RequestCard
from processes.services import card_create
from sales.models import Reactivation
from sales.services import reactivation_scan
from tests.processes.test_api import api_as
from tests.processes.test_views import card_form_data

pytestmark = pytest.mark.django_db
AT = datetime(2030, 6, 3, 9, tzinfo=UTC)


def test_a_card_made_by_hand_gets_its_row_with_the_clients_segment_and_last_order(
    reactivation, sam, wholesale, make_client, order
):
    acme = make_client("Acme", wholesale, manager=sam)
    last = order(acme, AT - timedelta(days=40))
    order(None, AT - timedelta(days=1))  # nobody's order: not Acme's last
    card = card_create(actor=sam, process=reactivation, title="Call Acme", client=acme, at=AT)
    row = Reactivation.objects.get(card=card)
    assert (row.client, row.segment, row.last_order_at, row.opened_at, row.closed_at) == (
        acme,
        wholesale,
        last.created_at,
        AT,
        None,
    )


def test_a_card_made_by_hand_needs_a_client_without_an_open_reactivation(
    reactivation, sam, wholesale, make_client
):
    acme = make_client("Acme", wholesale)
    with pytest.raises(InvalidInput) as refused:
        card_create(actor=sam, process=reactivation, title="Call someone", at=AT)
    assert list(refused.value.errors) == ["client"]
    opened = reactivation_scan(now=AT)["opened"]
    assert len(opened) == 1
    with pytest.raises(InvalidInput) as refused:
        card_create(actor=sam, process=reactivation, title="Call Acme", client=acme, at=AT)
    assert refused.value.errors == {"client": ["Acme has an open reactivation already."]}
    assert RequestCard.objects.filter(process=reactivation).count() == 1


def test_the_board_and_the_api_open_reactivations_with_their_rows(
    reactivation, sam, retail, make_client
):
    acme, baltic = make_client("Acme", retail), make_client("Baltic", retail)
    api = api_as(sam)
    answer = api.post(
        "/api/cards/",
        {"process": "reactivation", "title": "Call Acme", "client": acme.pk},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert Reactivation.objects.get(card_id=answer.json()["id"]).client == acme
    again = api.post(
        "/api/cards/",
        {"process": "reactivation", "title": "Call Acme again", "client": acme.pk},
        format="json",
    )
    assert again.status_code == 400
    assert again.json() == {"client": ["Acme has an open reactivation already."]}
    web = WebClient()
    web.force_login(sam)
    page = web.post(
        "/cards/new/?process=reactivation",
        card_form_data(title="Call Baltic", client=baltic.pk),
    )
    assert page.status_code == 302
    card = RequestCard.objects.get(title="Call Baltic")
    assert card.reactivation.client == baltic
    assert Reactivation.objects.count() == 2
