"""processes/migrations/0025_order_to_cash_promise.py: agree asks for the promised date, fulfil
records the promise, and cards agreed but not shipped take their shipment date as promised."""

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps

from processes.models import Event, EventKind, RequestCard, Transition

pytestmark = pytest.mark.django_db

migration = importlib.import_module("processes.migrations.0025_order_to_cash_promise")


def test_agreed_cards_take_their_shipment_date_as_promised(o2c, make_card):
    agreed, received = make_card("Agreed before"), make_card("Not agreed yet")
    RequestCard.objects.filter(pk=agreed.pk).update(status="agreed", shipment_date=date(2030, 5, 4))
    RequestCard.objects.filter(pk=received.pk).update(shipment_date=date(2030, 5, 5))
    migration.install(django_apps, None)
    migration.install(django_apps, None)  # safe to repeat
    assert RequestCard.objects.get(pk=agreed.pk).promised_on == date(2030, 5, 4)
    assert RequestCard.objects.get(pk=received.pk).promised_on is None
    event = Event.objects.get(card=agreed, kind=EventKind.PROMISE_CHANGED)
    assert event.data == {"field": "promised_on", "old": "", "new": "2030-05-04"}
    assert event.reason == migration.REASON
    agree = Transition.objects.get(process=o2c, name="agree")
    assert "has_promised_on" in agree.conditions and "has_shipment_date" not in agree.conditions
    fulfil = Transition.objects.get(process=o2c, name="fulfil")
    assert fulfil.effects.count("record_shipment") == 1
