"""The reactivation scan: a client past its segment's usual interval between orders gets one
reactivation card for its account manager, whatever the scan's timing; won when the client
orders again (the order linked), lost with a reason."""

from datetime import UTC, datetime, timedelta

import pytest

from processes.errors import TransitionRefused
from processes.models import CardLink, RequestCard
from processes.services import card_transition
from sales.conditions import NO_ORDER
from sales.models import Reactivation, ReactivationOutcome
from sales.selectors import clients_due
from sales.services import reactivation_scan
from sales.services.reactivations import _open_one

T0 = datetime(2030, 2, 4, 10, tzinfo=UTC)  # the client's last order
DAY = timedelta(days=1)


@pytest.fixture
def northwind(make_client, wholesale, sam, order):
    client = make_client("Northwind", wholesale, sam)
    order(client, T0)
    return client


def _cards(reactivation):
    return RequestCard.objects.filter(process=reactivation)


def test_client_past_its_interval_gets_one_card_for_its_account_manager(
    northwind, reactivation, sam
):
    assert reactivation_scan(now=T0 + 30 * DAY - timedelta(seconds=1))["opened"] == []
    opened = reactivation_scan(now=T0 + 30 * DAY)["opened"]
    assert len(opened) == 1
    card = RequestCard.objects.get(pk=opened[0])
    assert (card.process_id, card.client_id, card.responsible_id) == (
        reactivation.pk,
        northwind.pk,
        sam.pk,
    )
    assert card.status == "to_contact"
    row = Reactivation.objects.get(card=card)
    assert (row.client_id, row.segment.name, row.last_order_at) == (northwind.pk, "Wholesale", T0)
    assert sam.notifications.filter(kind="reactivation_opened").count() == 1
    # Repeated scans, later and at the same instant, open nothing more.
    for at in (T0 + 30 * DAY, T0 + 31 * DAY, T0 + 90 * DAY):
        assert reactivation_scan(now=at) == {"opened": [], "skipped": 0}
    assert _cards(reactivation).count() == 1


def test_a_second_scan_that_found_the_client_due_too_opens_nothing(northwind, reactivation):
    """Two scans that both read the client as due (as two at once would): the second meets the
    unique index of open reactivations and its card is rolled back."""
    now = T0 + 31 * DAY
    (due,) = clients_due(now=now)
    first = _open_one(reactivation, due, now)
    assert first is not None
    assert _open_one(reactivation, due, now) is None
    assert _cards(reactivation).count() == 1
    assert Reactivation.objects.filter(client=northwind).count() == 1


def test_an_order_within_the_interval_keeps_the_client_off(northwind, order, reactivation):
    order(northwind, T0 + 20 * DAY)
    assert reactivation_scan(now=T0 + 31 * DAY)["opened"] == []
    assert len(reactivation_scan(now=T0 + 50 * DAY)["opened"]) == 1


def test_clients_without_a_segment_are_not_followed(make_client, order, reactivation):
    order(make_client("Nobody's"), T0)
    assert reactivation_scan(now=T0 + 400 * DAY)["opened"] == []


def test_an_account_manager_without_a_role_in_reactivation_leaves_the_card_unassigned(
    make_client, wholesale, alice, order, reactivation
):
    client = make_client("Orion", wholesale, alice)  # alice: order to cash only
    order(client, T0)
    (card_id,) = reactivation_scan(now=T0 + 31 * DAY)["opened"]
    assert RequestCard.objects.get(pk=card_id).responsible_id is None


def test_won_only_after_an_order_which_is_linked(northwind, order, reactivation, sam):
    (card_id,) = reactivation_scan(now=T0 + 31 * DAY)["opened"]
    card = RequestCard.objects.get(pk=card_id)
    card_transition(actor=sam, card=card, name="contact", at=T0 + 32 * DAY)
    with pytest.raises(TransitionRefused) as refused:
        card_transition(actor=sam, card=card, name="win", at=T0 + 33 * DAY)
    assert NO_ORDER in str(refused.value.unmet)
    new_order = order(northwind, T0 + 34 * DAY)
    card = RequestCard.objects.get(pk=card_id)
    card_transition(actor=sam, card=card, name="win", at=T0 + 35 * DAY)
    row = Reactivation.objects.get(card_id=card_id)
    assert (row.outcome, row.closed_at, row.order_card_id) == (
        ReactivationOutcome.WON,
        T0 + 35 * DAY,
        new_order.pk,
    )
    assert CardLink.objects.filter(source_id=card_id, target=new_order, kind="reactivation")
    # The client ordered: the next card only after another interval without an order.
    assert reactivation_scan(now=T0 + 60 * DAY)["opened"] == []
    assert len(reactivation_scan(now=T0 + 65 * DAY)["opened"]) == 1


def test_lost_needs_a_reason_and_the_next_card_waits_an_interval(northwind, reactivation, sam):
    (card_id,) = reactivation_scan(now=T0 + 31 * DAY)["opened"]
    card = RequestCard.objects.get(pk=card_id)
    with pytest.raises(TransitionRefused):
        card_transition(actor=sam, card=card, name="mark_lost", at=T0 + 32 * DAY)
    card_transition(
        actor=sam, card=card, name="mark_lost", lost_reason="Buys abroad now", at=T0 + 32 * DAY
    )
    row = Reactivation.objects.get(card_id=card_id)
    assert (row.outcome, row.closed_at) == (ReactivationOutcome.LOST, T0 + 32 * DAY)
    assert reactivation_scan(now=T0 + 33 * DAY)["opened"] == []
    assert reactivation_scan(now=T0 + 62 * DAY - timedelta(seconds=1))["opened"] == []
    assert len(reactivation_scan(now=T0 + 62 * DAY)["opened"]) == 1


def test_the_database_refuses_a_second_open_reactivation(northwind, reactivation):
    from django.db import IntegrityError, transaction

    (card_id,) = reactivation_scan(now=T0 + 31 * DAY)["opened"]
    other = RequestCard.objects.create(
        process=reactivation, title="Another", client=northwind, status="to_contact"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reactivation.objects.create(client=northwind, card=other, opened_at=T0 + 31 * DAY)


def test_the_task_runs_the_scan_at_the_instant_given(northwind, reactivation):
    from sales.tasks import reactivation_scan_task

    result = reactivation_scan_task.delay(now=(T0 + 31 * DAY).isoformat()).get()
    assert len(result["opened"]) == 1
